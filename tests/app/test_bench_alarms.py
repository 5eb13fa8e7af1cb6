"""`ward-station bench alarms`: the real window, alarms timed to the banner's paint, sane figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QObject, Signal

from app.bench import ward
from app.bench.alarms import AlarmProbe
from app.bench.harness import bench_config
from app.bench.stats import latency_summary, percentile
from stores import EMBEDDED, StoreConfig, open_stores
from stores.model import Alarm, Priority
from tests.app.cli_runs import ward_station  # noqa: F401 (a fixture)
from tests.app.qasync_helpers import run_on_qt_loop
from tests.servers import accept_plain, free_port


def bench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}))
    return subprocess.run([sys.executable, "-m", "app", "bench", *args], capture_output=True,
                          text=True, timeout=90, env=env)


def figures_of(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_sane(figures: dict, backend: str, beds: int) -> None:
    assert figures["backend"] == backend
    assert figures["beds"] == beds
    assert figures["simulator_beds"] == beds  # the simulator fed every bed of the bench ward
    assert figures["alarms_sent"] > 0
    assert figures["alarms_shown"] == figures["alarms_sent"]
    assert 0 < figures["alarm_latency_ms_p50"] <= figures["alarm_latency_ms_p99"] \
        <= figures["alarm_latency_ms_max"]
    assert figures["resolve_failures"] == 0


@pytest.mark.slow
def test_bench_alarms_on_the_embedded_bus():
    result = bench("alarms", "--beds", "4", "--seconds", "2", "--json")
    figures = figures_of(result)
    assert_sane(figures, "embedded", beds=4)
    assert figures["seconds"] == 2.0
    readable = result.stdout.splitlines()[:-1]
    assert any(line.split() == ["alarms_shown", str(figures["alarms_shown"])] for line in readable)


@pytest.mark.slow
def test_bench_alarms_on_redis(redis_server, tmp_path):
    config = tmp_path / "bench.toml"
    url = accept_plain("alerts", redis_server.fresh_url("bench"), redis_server.secret)
    # the bench's simulator feeds a real store: a training station's config
    config.write_text(f'environment = "training"\n[stores]\nalerts = "{url}"\n')
    secret = {"WARD_STATION_ALERTS_PASSWORD": redis_server.secret} if redis_server.secret else {}
    for _ in range(2):  # a second run finds the first one's alarms in Redis, all resolved
        figures = figures_of(bench("alarms", "--beds", "4", "--seconds", "2", "--json",
                                   "--config", str(config), env=secret))
        assert_sane(figures, "redis", beds=4)


@pytest.mark.slow
def test_with_junk_on_a_signed_bus_every_genuine_alarm_is_shown_exactly_once(
        redis_server, tmp_path):
    config = tmp_path / "bench.toml"
    url = accept_plain("alerts", redis_server.fresh_url("junk"), redis_server.secret)
    config.write_text(f'environment = "training"\n[stores]\nalerts = "{url}"\n')
    env = {"WARD_STATION_ALERTS_PASSWORD": redis_server.secret} if redis_server.secret else {}
    env["WARD_STATION_ALARM_KEY_BENCH"] = "bench-signing-key-0123456789abcdef"

    figures = figures_of(bench("alarms", "--beds", "4", "--seconds", "3", "--junk", "--json",
                               "--config", str(config), env=env))

    # at least one of each of the five kinds, however slow the machine (18 in 3 s once, loaded)
    assert figures["signed"] is True and figures["junk_sent"] >= 5
    # ids far ahead, NaN, garbage, unsigned alarms and forged clears: all refused or harmless
    assert figures["refused_messages"] > 0 and figures["alarms_shown_twice"] == 0
    assert_sane(figures, "redis", beds=4)  # every alarm sent was shown


def test_junk_needs_a_redis_bus():
    result = bench("alarms", "--junk", "--seconds", "1")
    assert result.returncode == 2
    assert "--junk needs a Redis alert store" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_redis_is_one_line_and_exit_1(tmp_path):
    config = tmp_path / "bench.toml"
    config.write_text(f'environment = "training"\n'
                      f'[stores]\nalerts = "redis://127.0.0.1:{free_port()}/0?timeout_ms=500"\n')
    result = bench("alarms", "--config", str(config), "--seconds", "1")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("ward-station: error: the alert store")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, words", [
    (["--beds", "65"], "--beds must be between 1 and 64"),  # no name: the window benchmark
    (["nosuch"], "invalid choice: 'nosuch'"),
    (["alarms", "--beds", "0"], "--beds must be between 1 and 64"),
    (["alarms", "--seconds", "-2"], "--seconds must be a number more than 0"),
])
def test_bad_arguments_are_one_line_and_exit_2(args, words, ward_station):
    result = ward_station("bench", *args)
    assert result.returncode == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_config_gives_only_the_alert_store(tmp_path):
    config = tmp_path / "bench.toml"
    config.write_text('region = "south"\nenvironment = "training"\n'
                      '[stores]\nalerts = "redis://127.0.0.1:6379/0"\n'
                      'patients = "mongodb://127.0.0.1:27017/ward"\n')
    chosen = bench_config(config, tmp_path / "data")
    assert chosen.stores["alerts"] == "redis://127.0.0.1:6379/0"
    assert {n: u for n, u in chosen.stores.items() if n != "alerts"} == \
        dict.fromkeys(["vitals", "patients", "network", "analytics"], EMBEDDED)
    assert (chosen.region, chosen.ward, chosen.data_dir) == (ward.REGION, ward.WARD,
                                                             tmp_path / "data")
    assert set(bench_config(None, tmp_path).stores.values()) == {EMBEDDED}


def test_the_bench_feeds_a_real_store_only_from_a_training_config(tmp_path, ward_station):
    config = tmp_path / "bench.toml"
    config.write_text('[stores]\nalerts = "redis://127.0.0.1:6379/0"\n')
    result = ward_station("bench", "alarms", "--config", str(config), "--seconds", "1")
    assert result.returncode == 2
    assert result.stderr.startswith("ward-station: error: the bench runs the simulator: ")
    assert 'only with environment = "training"' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


class FakeBanner(QObject):
    """The two names the probe relies on: `painted` and `shown_alarm_ids()`."""

    painted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def shown_alarm_ids(self) -> list[str]:
        return list(self.ids)


def test_an_alarm_counts_as_shown_at_the_first_paint_that_shows_it(qapp, tmp_path):
    banner = FakeBanner()

    async def scenario() -> tuple[AlarmProbe, list]:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        try:
            patients = await ward.admit_bench_ward(stores, 2)
            probe = AlarmProbe(stores.alerts, banner, patients, raised_at=1000.0)
            alarm_id = await probe.send()
            banner.painted.emit()  # a paint without the alarm on screen does not count
            assert probe.latencies_ms == [] and probe.waiting == 1
            banner.ids = ["something-else", alarm_id]
            banner.painted.emit()
            banner.painted.emit()  # counted once
            assert len(probe.latencies_ms) == 1 and probe.waiting == 0
            await probe.finish()
            return probe, await stores.alerts.history(ward.REGION, 0)
        finally:
            await stores.close()

    probe, history = run_on_qt_loop(scenario())
    assert probe.latencies_ms[0] > 0
    [resolved] = history
    assert resolved.priority.name == "HIGH" and resolved.raised_at == 1000.0
    assert resolved.acknowledged and not resolved.is_open  # so the banner does not fill up


def test_alarms_an_earlier_run_left_open_are_resolved(qapp, tmp_path):
    async def scenario() -> list:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        try:
            left = Alarm(id="left-open", region=ward.REGION, ward=ward.WARD, bed_id="bench-1-01",
                         patient_id=None, patient_name="", priority=Priority.HIGH,
                         condition="SpO2 low", raised_at=1.0)
            await stores.alerts.publish(left)
            assert await ward.resolve_left_over_alarms(stores) == 1
            return await stores.alerts.active(ward.REGION)
        finally:
            await stores.close()

    assert run_on_qt_loop(scenario()) == []


def test_percentiles():
    assert percentile([], 50) is None
    assert percentile([3.0], 99) == 3.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 99) == 99.0
    assert latency_summary("x", [1.0, 2.0, 10.0]) == {"x_p50": 2.0, "x_p99": 9.84, "x_max": 10.0}
