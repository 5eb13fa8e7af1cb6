"""Settings that could switch alarms off: limits beyond the clinical bounds, bounds relaxed,
muting and the simulator outside training, and the `environment` that decides the last two."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli import main
from app.config import ConfigError, load_config
from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds

REDIS = '[stores]\nalerts = "redis://127.0.0.1:6379/0"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, words", [
    ("[alarm_limits]\nspo2 = { low = 0 }", "SpO\u2082 low limit 0 % is below the clinical bound "
                                            "of 85 %"),
    ("[alarm_limits]\nresp_rate = { low = 0 }", "RR low limit 0 /min is below the clinical "
                                                "bound of 5 /min"),
    ("[alarm_limits]\nspo2 = { delay_s = 120 }", "SpO\u2082 alarm delay 120 s is beyond the "
                                                 "bound: it must be between 0 and 30 s"),
    ("[wards.north-2.alarm_limits]\nheart_rate = { low = 20 }", "HR low limit 20 bpm is below "
                                                                 "the clinical bound of 30 bpm"),
    ("[alarm_limits]\nspo2 = { low = inf }", "must be a finite number"),
])
def test_limits_beyond_the_clinical_bounds_are_refused(tmp_path, text, words):
    with pytest.raises(ConfigError, match=re.escape(words)):
        load_config(write(tmp_path, text), environ={})


def test_the_config_may_tighten_the_bounds_and_then_limits_obey_them(tmp_path):
    config = load_config(write(tmp_path, "[alarm_bounds]\nspo2 = { low = 88, delay_s = 15 }\n"),
                         environ={})
    assert config.alarm_bounds["spo2"] == AlarmBounds(88.0, 100.0, 15.0)
    assert config.alarm_bounds["heart_rate"] == HARD_BOUNDS["heart_rate"]
    text = "[alarm_bounds]\nspo2 = { low = 88 }\n[wards.north-1.alarm_limits]\nspo2 = { low = 86 }"
    with pytest.raises(ConfigError, match="alarm limits of ward north-1: SpO\u2082 low limit 86 %"
                                          " is below the clinical bound of 88 %"):
        load_config(write(tmp_path, text), environ={})


@pytest.mark.parametrize("text", ["[alarm_bounds]\nspo2 = { low = 80 }",
                                  "[alarm_bounds]\nspo2 = { delay_s = 120 }",
                                  "[alarm_bounds]\nheart_rate = { high = 250 }"])
def test_the_config_cannot_relax_the_bounds(tmp_path, text):
    with pytest.raises(ConfigError, match="would relax the hard bound.*may only tighten it"):
        load_config(write(tmp_path, text), environ={})


def test_no_environment_variable_relaxes_the_bounds(tmp_path):
    environ = {"WARD_STATION_ALARM_BOUNDS": "{}", "WARD_STATION_ALARM_LIMITS": "spo2 low 0"}
    assert load_config(None, environ=environ).alarm_bounds == HARD_BOUNDS


def test_the_environment_is_training_on_embedded_stores_else_clinical(tmp_path):
    assert load_config(None, environ={}).environment == "training"
    assert load_config(write(tmp_path, REDIS), environ={}).environment == "clinical"
    given = write(tmp_path, 'environment = "training"\n' + REDIS)
    assert load_config(given, environ={}).training
    environ = {"WARD_STATION_ENVIRONMENT": "clinical"}
    assert load_config(None, environ=environ).environment == "clinical"


@pytest.mark.parametrize("text", ['environment = "trainig"', 'environment = "Clinical"',
                                  "environment = 1"])
def test_an_unknown_environment_is_refused(tmp_path, text):
    with pytest.raises(ConfigError, match="environment must be"):
        load_config(write(tmp_path, text), environ={})


def test_muting_is_for_training_only(tmp_path):
    assert load_config(write(tmp_path, "alarm_audio = false"), environ={}).alarm_audio is False
    with pytest.raises(ConfigError, match='muting the alarm sounds .* allowed only with '
                                          'environment = "training"'):
        load_config(write(tmp_path, "alarm_audio = false\n" + REDIS), environ={})
    with pytest.raises(ConfigError, match="muting"):
        load_config(None, {"alarm_audio": False}, environ={"WARD_STATION_ENVIRONMENT": "clinical"})


def test_mute_alarms_on_a_clinical_station_is_one_line_and_exit_2(tmp_path, capsys):
    config = write(tmp_path, REDIS)
    code = main(["--mute-alarms", "--config", str(config), "--data-dir", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("ward-station: error: muting the alarm sounds")


def test_the_simulator_writes_into_real_stores_only_in_training(tmp_path):
    assert not load_config(write(tmp_path, REDIS), environ={}).simulator  # off by default
    with pytest.raises(ConfigError, match=r"simulated data into real stores \(alerts\).*"
                                          "set simulator = false"):
        load_config(write(tmp_path, "simulator = true\n" + REDIS), environ={})
    training = 'environment = "training"\nsimulator = true\n' + REDIS
    assert load_config(write(tmp_path, training), environ={}).simulator
    patients_only = '[stores]\npatients = "mongodb://127.0.0.1:27017/ward"\n'
    assert load_config(write(tmp_path, patients_only), environ={}).simulator  # writes embedded


def test_simulate_refuses_real_stores_outside_training(tmp_path, capsys):
    config = write(tmp_path, '[stores]\npatients = "mongodb://127.0.0.1:1/ward"\n')
    code = main(["simulate", "--config", str(config), "--data-dir", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "simulated data into real stores (patients)" in err
