"""Settings: the file, the environment and the flags, and the errors a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_embedded_demo_ward(tmp_path):
    config = load_config(None, environ={})
    assert (config.region, config.ward) == ("north", "north-1")
    assert set(config.stores.values()) == {"embedded"}
    assert config.simulator
    assert config.source is None


def test_file_then_environment_then_flags(tmp_path):
    path = write(tmp_path, 'region = "south"\nward = "south-2"\nstale_after_s = 8\n')
    environ = {"WARD_STATION_WARD": "south-1", "WARD_STATION_SIMULATOR": "no"}
    config = load_config(path, {"data_dir": tmp_path / "d", "region": None}, environ=environ)
    assert (config.region, config.ward) == ("south", "south-1")
    assert config.stale_after_s == 8.0
    assert config.simulator is False
    assert config.data_dir == tmp_path / "d"
    assert config.source == path


def test_store_urls_from_the_file(tmp_path):
    path = write(tmp_path, '[stores]\nvitals = "embedded"\n')
    assert load_config(path, environ={}).stores["vitals"] == "embedded"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("region = ", "not valid TOML"),
        ('regoin = "north"', "unknown setting 'regoin'"),
        ("stale_after_s = \"soon\"", "stale_after_s must be a float"),
        ("stale_after_s = -1", "more than 0 seconds"),
        ('[stores]\nvitalz = "embedded"', "unknown store 'vitalz'"),
        ('[stores]\nvitals = ""', "stores.vitals must be a URL"),
        ('[stores]\nvitals = "influxdb://influx:8086/vitals"', "stores.vitals: 'influxdb'"),
        ('ward = ""', "must not be empty"),
    ],
)
def test_a_bad_file_names_the_problem(tmp_path, text, words):
    with pytest.raises(ConfigError, match=words.replace("(", r"\(")):
        load_config(write(tmp_path, text), environ={})


def test_a_missing_file_named_on_the_command_line_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nowhere.toml", environ={})


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(ConfigError, match=r"\$WARD_STATION_SIMULATOR must be true or false"):
        load_config(None, environ={"WARD_STATION_SIMULATOR": "perhaps"})


def test_the_users_own_config_file_is_read_when_present(isolated_user_folders):
    folder = isolated_user_folders / ".config" / "ward-station"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('ward = "north-2"\n', encoding="utf-8")
    assert load_config(None, environ={}).ward == "north-2"
