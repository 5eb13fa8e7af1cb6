"""Settings: the file, the environment and the flags, and the errors a person can act on."""

from __future__ import annotations

import re
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
        ("stale_after_s = -1", "a number of seconds more than 0"),
        ('[stores]\nvitalz = "embedded"', "unknown store 'vitalz'"),
        ('[stores]\nvitals = ""', "stores.vitals must be a URL"),
        ('[stores]\nvitals = "influx://influx:8086/vitals"', "stores.vitals: 'influx://"),
        ('[stores]\nvitals = "influxdb://influx:8086"', "stores.vitals: the URL must name the"),
        ('[stores]\nalerts = "redis://r:63790000/0"', "stores.alerts: server 'r:63790000'"),
        ('[stores]\npatients = "mongodb://u:hunter2@m1/ward"', "WARD_STATION_PATIENTS_PASSWORD"),
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


ISSUE_EXAMPLE = """
region = "north"
ward = "north-1"
[stores]
patients = "mongodb://m1:27017,m2:27017,m3:27017/ward?replicaSet=rs0"
vitals = "influxdb://influx:8086/vitals"
network = "neo4j://neo4j:7687"
analytics = "cassandra://c1,c2:9042/ward_analytics?dc=dc1"
alerts = "redis+sentinel://s1:26379,s2:26379,s3:26379/mymaster"
"""


def test_every_store_may_name_a_real_server(tmp_path):
    config = load_config(write(tmp_path, ISSUE_EXAMPLE), environ={})
    urls = config.store_config
    assert urls.url("patients").hosts == (("m1", 27017), ("m2", 27017), ("m3", 27017))
    assert urls.url("alerts").path == "mymaster"
    assert urls.url("analytics").options == {"dc": "dc1"}
    assert config.real_stores == ["vitals", "patients", "network", "analytics", "alerts"]


def test_stores_may_be_mixed_real_and_embedded(tmp_path):
    config = load_config(None, environ={"WARD_STATION_STORE_ALERTS": "redis://r1:6379/0"})
    assert config.real_stores == ["alerts"]
    assert config.store_config.url("vitals") is None


def test_a_password_comes_from_the_environment_and_never_shows(tmp_path):
    environ = {"WARD_STATION_STORE_PATIENTS": "mongodb://ward@m1/ward",
               "WARD_STATION_PATIENTS_PASSWORD": "hunter2",
               "WARD_STATION_VITALS_PASSWORD": "unused: vitals is embedded"}
    config = load_config(None, environ=environ)
    assert config.secrets == {"patients": "hunter2"}
    assert config.store_config.secrets == {"patients": "hunter2"}
    assert "hunter2" not in repr(config) and "hunter2" not in repr(config.store_config)


class MemoryKeyring:
    """A keyring backend holding its entries in memory (the OS keyring of this test)."""

    priority = 1

    def __init__(self, entries):
        self.entries = entries

    def get_password(self, service, user):
        return self.entries.get((service, user))


def test_a_password_comes_from_the_os_keyring_when_the_environment_has_none(monkeypatch):
    keyring = pytest.importorskip("keyring")
    monkeypatch.setattr(keyring, "get_password", MemoryKeyring(
        {("ward-station", "alerts"): "from-keyring"}).get_password)
    config = load_config(None, environ={"WARD_STATION_STORE_ALERTS": "redis://r1/0"})
    assert config.secrets == {"alerts": "from-keyring"}


def test_the_simulator_runs_by_default_only_on_embedded_vitals():
    assert load_config(None, environ={}).simulator
    real = {"WARD_STATION_STORE_VITALS": "influxdb://influx/vitals"}
    assert not load_config(None, environ=real).simulator
    training = {"WARD_STATION_SIMULATOR": "yes", "WARD_STATION_ENVIRONMENT": "training"}
    assert load_config(None, environ=real | training).simulator


ALARM_SETTINGS = """
escalate_after_s = 90
alarm_audio = false
[alarm_limits]
spo2 = { low = 88, delay_s = 15 }
heart_rate = { high = 130 }
[wards.north-2.alarm_limits]
heart_rate = { low = 40, delay_s = 3 }
"""


def test_alarm_settings_and_the_wards_limits_over_the_hospitals(tmp_path):
    from stores.model import AlarmLimits, Vital

    config = load_config(write(tmp_path, ALARM_SETTINGS), environ={})
    assert (config.escalate_after_s, config.alarm_audio) == (90.0, False)
    assert config.limits_for("north-1") == (AlarmLimits(Vital.SPO2, 88, None, 15),
                                            AlarmLimits(Vital.HEART_RATE, None, 130, None))
    assert config.limits_for("north-2") == (AlarmLimits(Vital.SPO2, 88, None, 15),
                                            AlarmLimits(Vital.HEART_RATE, 40, 130, 3))


def test_mute_alarms_on_the_command_line(tmp_path):
    from app.cli import _config, parse_args

    args = parse_args(["--mute-alarms", "--data-dir", str(tmp_path)])
    assert _config(args).alarm_audio is False
    assert _config(parse_args(["--data-dir", str(tmp_path)])).alarm_audio is True


@pytest.mark.parametrize("text, words", [
    ("[alarm_limits]\nspo2 = { low = 95, high = 90 }", "low limit (95) must be below"),
    ("[alarm_limits]\nspo3 = { low = 95 }", "unknown vital 'spo3'"),
    ("[alarm_limits]\nspo2 = { low = 'ninety' }", "alarm_limits.spo2.low must be a number"),
    ("[alarm_limits]\nspo2 = { delay_s = -2 }", "delay -2 s is beyond the bound: it must be between 0 and 30 s"),
    ("[alarm_limits]\nspo2 = { lo = 90 }", "must be a table with low, high and/or delay_s"),
    ("[wards.north-1]\nlimits = 3", "wards.north-1 may only hold alarm_limits"),
    ("escalate_after_s = 0", "escalate_after_s must be a number of seconds more than 0"),
    ("escalate_after_s = nan", "escalate_after_s must be a number of seconds more than 0"),
    ("stale_after_s = inf", "stale_after_s must be a number of seconds more than 0"),
    # the built-in HR high limit is 120: a low of 130 alone would alarm on every patient
    ("[alarm_limits]\nheart_rate = { low = 130 }", "HR low limit (130) must be below the high"),
    ("[alarm_limits]\nspo2 = { low = 95 }\n[wards.north-1.alarm_limits]\nspo2 = { high = 94 }",
     "spo2 has no high alarm to set"),
    ("[alarm_limits]\nspo2 = { high = 99 }", "spo2 has no high alarm to set; remove high"),
])
def test_alarm_settings_that_make_no_sense_name_the_problem(tmp_path, text, words):
    with pytest.raises(ConfigError, match=re.escape(words)):
        load_config(write(tmp_path, text), environ={})


def test_the_outbox_bound_is_configurable_and_must_keep_at_least_one_write(tmp_path):
    assert load_config(None, environ={}).store_config.outbox_limit is None  # the outbox's own
    config = load_config(write(tmp_path, "outbox_limit = 500\n"), environ={})
    assert config.store_config.outbox_limit == 500
    assert load_config(None, environ={"WARD_STATION_OUTBOX_LIMIT": "20"}).outbox_limit == 20
    for text, words in [("outbox_limit = 0", "at least 1"),
                        ("outbox_limit = true", "must be a int"),
                        ('outbox_limit = "many"', "must be a int")]:
        with pytest.raises(ConfigError, match=words):
            load_config(write(tmp_path, text), environ={})


def test_the_alarm_archive_age_is_a_week_by_default_from_an_hour_to_300_days(tmp_path):
    assert load_config(None, environ={}).alarm_archive_after_s == 7 * 86400.0
    config = load_config(write(tmp_path, "alarm_archive_after_s = 86400\n"), environ={})
    assert config.alarm_archive_after_s == 86400.0
    environ = {"WARD_STATION_ALARM_ARCHIVE_AFTER_S": "7200"}
    assert load_config(None, environ=environ).alarm_archive_after_s == 7200.0
    for text, words in [("alarm_archive_after_s = 60", "from 3600 (an hour) to 25920000 (300 "
                                                       "days), not 60"),
                        ("alarm_archive_after_s = inf", "(300 days), not inf"),
                        # older, the bus would refuse the alarms as too old before archiving
                        ("alarm_archive_after_s = 31622400", "(300 days), not 3.16224e+07"),
                        ('alarm_archive_after_s = "a week"', "must be a float")]:
        with pytest.raises(ConfigError, match=re.escape(words)):
            load_config(write(tmp_path, text), environ={})
    with pytest.raises(ConfigError, match="WARD_STATION_ALARM_ARCHIVE_AFTER_S must be a float"):
        load_config(None, environ={"WARD_STATION_ALARM_ARCHIVE_AFTER_S": "soon"})


def test_the_screen_calibration_is_the_screens_own_unless_set_and_must_be_pixels_per_mm(tmp_path):
    assert load_config(None, environ={}).screen_px_per_mm is None  # the screen's own size
    config = load_config(write(tmp_path, "screen_px_per_mm = 0.8\n"), environ={})  # a projector
    assert config.screen_px_per_mm == 0.8
    environ = {"WARD_STATION_SCREEN_PX_PER_MM": "4"}
    assert load_config(None, environ=environ).screen_px_per_mm == 4.0
    for text, words in [("screen_px_per_mm = 96", "from 0.5 to 24, not 96: the picture's width "
                                                  "in pixels divided by its width in millimetres"),
                        ("screen_px_per_mm = 0", "not 0"),
                        ("screen_px_per_mm = nan", "not nan"),
                        ('screen_px_per_mm = "auto"', "must be a float")]:
        with pytest.raises(ConfigError, match=re.escape(words)):
            load_config(write(tmp_path, text), environ={})


def test_the_caches_time_to_live_is_five_minutes_by_default_from_0_off_to_a_day(tmp_path):
    assert load_config(None, environ={}).cache_ttl_s == 300.0
    assert load_config(write(tmp_path, "cache_ttl_s = 0\n"), environ={}).cache_ttl_s == 0.0
    environ = {"WARD_STATION_CACHE_TTL_S": "60"}
    assert load_config(None, environ=environ).cache_ttl_s == 60.0
    for text, words in [("cache_ttl_s = -1", "from 0 (no cache) to 86400, not -1"),
                        ("cache_ttl_s = nan", "not nan"), ("cache_ttl_s = 86401", "not 86401")]:
        with pytest.raises(ConfigError, match=re.escape(words)):
            load_config(write(tmp_path, text), environ={})
