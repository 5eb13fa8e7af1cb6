"""`secrets_file` in the config: the station's passwords and alarm keys in a file only its owner
can read, the environment over it; a file that cannot be used stops the start with a message
that says why and never quotes a secret."""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.config import ConfigError, load_config
from app.secrets_file import SecretsFileError, read_secrets_file

KEY = "k" * 32  # an alarm signing key long enough to sign with


def write_config(folder, secrets_text: str, mode: int = 0o600):
    (folder / "station.secrets").write_text(secrets_text)
    os.chmod(folder / "station.secrets", mode)
    config = folder / "station.toml"
    config.write_text('secrets_file = "station.secrets"\n'
                      '[stores]\nalerts = "redis://127.0.0.1:6379/0"\n'
                      'patients = "mongodb://ward@127.0.0.1:27017/ward"\n')
    return config


def test_the_secrets_beside_the_config_are_the_stations(tmp_path):
    config = write_config(tmp_path, f'WARD_STATION_ALERTS_PASSWORD = "redis-pw"\n'
                                    f'WARD_STATION_PATIENTS_PASSWORD = "mongo-pw"\n'
                                    f'WARD_STATION_ALARM_KEY_NORTH = "{KEY}"\n')
    loaded = load_config(config, environ={})
    assert loaded.secrets == {"alerts": "redis-pw", "patients": "mongo-pw"}
    assert loaded.alarm_keys("north") == [KEY.encode()]


def test_a_variable_that_is_set_wins_over_the_file(tmp_path):
    config = write_config(tmp_path, f'WARD_STATION_ALERTS_PASSWORD = "from-file"\n'
                                    f'WARD_STATION_ALARM_KEY_NORTH = "{KEY}"\n')
    loaded = load_config(config, environ={"WARD_STATION_ALERTS_PASSWORD": "from-env"})
    assert loaded.secrets["alerts"] == "from-env"


def test_a_file_others_may_read_is_refused_saying_how_to_fix_it(tmp_path):
    config = write_config(tmp_path, 'WARD_STATION_ALERTS_PASSWORD = "pw"\n', mode=0o644)
    with pytest.raises(ConfigError, match=r"may be read by others \(mode 644\): chmod 600 "):
        load_config(config, environ={})


def test_a_missing_file_is_named(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text('secrets_file = "nowhere.secrets"\n')
    with pytest.raises(ConfigError, match="nowhere.secrets does not exist"):
        load_config(config, environ={})


@pytest.mark.parametrize(("text", "says"), [
    ('WARD_STATION_ALERT_PASSWORD = "pw"\n', "unknown name WARD_STATION_ALERT_PASSWORD"),
    ('PASSWORD = "pw"\n', "unknown name PASSWORD"),
    ('WARD_STATION_ALERTS_PASSWORD = 12345\n', "must be a non-empty string"),
    ('WARD_STATION_ALERTS_PASSWORD = "  "\n', "must be a non-empty string"),
    ('WARD_STATION_ALERTS_PASSWORD = hunter2\n', "not valid TOML (line 1)"),
])
def test_a_wrong_line_is_named_without_its_value(tmp_path, text, says):
    config = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as refused:
        load_config(config, environ={})
    assert says in str(refused.value)
    assert "hunter2" not in str(refused.value) and "12345" not in str(refused.value)


secret_values = st.text(string.ascii_letters + string.digits + "!#$%&*+-./:;<=>?@^_~ ", min_size=8,
                        max_size=40).filter(str.strip)


@given(value=secret_values)
def test_any_value_comes_back_as_written(tmp_path_factory, value):
    path = tmp_path_factory.mktemp("s") / "station.secrets"
    path.write_text(f'WARD_STATION_NETWORK_PASSWORD = "{value}"\n')
    os.chmod(path, 0o600)
    assert read_secrets_file(path) == {"WARD_STATION_NETWORK_PASSWORD": value.strip()}


@given(text=st.text(max_size=200), value=secret_values)
def test_junk_is_refused_in_words_and_never_quotes_a_value(tmp_path_factory, text, value):
    path = tmp_path_factory.mktemp("s") / "station.secrets"
    path.write_text(f'{text}\nSOMETHING = "{value}"\n', encoding="utf-8", errors="surrogatepass")
    os.chmod(path, 0o600)
    try:
        read_secrets_file(path)
    except SecretsFileError as refused:
        assert value not in str(refused)
    else:  # only a file of known names parses, and SOMETHING is not one
        pytest.fail("a file with an unknown name was read")
