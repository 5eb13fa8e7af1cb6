"""A feed whose loop dies of a bug is started again with a growing pause, and the station shows
a technical alarm while it is down."""

from __future__ import annotations

import pytest

from app.alarms.technical import TechnicalAlarms
from app.bootstrap import start_station
from app.config import Config
from app.feeds.vitals import VitalsFeed
from app.startup import open_station_stores
from stores.backoff import backoff_s
from stores.model import HealthState, Priority, StoreHealth
from stores.vitals import VitalsStore
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


class BuggyVitals(VitalsStore):
    """A store whose `latest` raises a bug (not StoreUnavailable) while `broken` is set."""

    def __init__(self) -> None:
        self.broken = True
        self.calls = 0

    async def latest(self, bed_ids):
        self.calls += 1
        if self.broken:
            raise KeyError("hr")
        return {}

    async def write(self, samples): ...
    async def write_waveforms(self, chunks): ...
    async def waveforms(self, bed_ids, since, waveform=None): return {}
    async def history(self, bed_id, start, end): return []
    async def recent(self, bed_ids, since): return {}
    async def trend(self, bed_id, start, end, buckets): raise NotImplementedError
    async def health(self): return StoreHealth("vitals", "fake", HealthState.UP)
    async def close(self): ...


def test_a_dead_loop_restarts_and_says_so_until_it_runs_again(qapp):
    async def scenario() -> None:
        store = BuggyVitals()
        feed = VitalsFeed(store, poll_s=0.05)
        feed.restart_first_s, feed.restart_cap_s = 0.05, 0.2
        stopped, running = [], []
        feed.work_stopped.connect(stopped.append)
        feed.work_running.connect(lambda: running.append(True))
        feed.set_beds(["b1"])
        feed.start()
        try:
            await eventually(lambda: feed.restarts >= 3, 10, "three restarts")
            assert stopped == ["KeyError: 'hr'"]  # said once, not once per restart
            assert feed.stopped_reason is not None and not running
            store.broken = False
            await eventually(lambda: running, 10, "the feed running again")
            assert feed.stopped_reason is None
        finally:
            await feed.stop()

    run_on_qt_loop(scenario())


def test_the_technical_alarm_of_a_stopped_feed():
    alarms = TechnicalAlarms("north", "icu", 5.0, clock=lambda: 100.0)
    assert alarms.feed_stopped("Live vitals", "KeyError: 'hr'")
    [alarm] = alarms.alarms()
    assert alarm.priority is Priority.MEDIUM
    assert "Live vitals stopped" in alarm.condition and "KeyError" in alarm.condition
    assert not alarms.feed_stopped("Live vitals", "KeyError: 'hr'")  # no change
    assert alarms.feed_stopped("Live vitals", None)
    assert alarms.alarms() == []
    alarms.feed_stopped("Alarm display", "boom", high=True)
    assert alarms.alarms()[0].priority is Priority.HIGH


def test_backoff_grows_is_capped_and_jittered():
    assert backoff_s(0, 1.0, 30.0, rng=lambda: 0.0) == 0.5
    assert backoff_s(0, 1.0, 30.0, rng=lambda: 1.0) == 1.0
    assert backoff_s(3, 1.0, 30.0, rng=lambda: 1.0) == 8.0
    assert backoff_s(50, 1.0, 30.0, rng=lambda: 0.0) == 15.0
    waits = {backoff_s(2, 1.0, 30.0) for _ in range(20)}
    assert len(waits) > 1 and all(2.0 <= w <= 4.0 for w in waits)


@pytest.mark.slow
def test_the_station_shows_a_feed_restarting_after_a_bug(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test")

    async def scenario() -> None:
        stores = await open_station_stores(config)
        station = await start_station(config, stores)
        window = station.window
        feed = window.network_feed
        feed.restart_first_s, feed._refresh_s = 0.1, 0.2  # noqa: SLF001 - a short test
        real_care_team = stores.network.care_team

        async def buggy_care_team(patient_id):
            raise AttributeError("'NoneType' object has no attribute 'id'")

        def shown_ids() -> set[str]:
            return {alarm.id for alarm in window.alarms_feed.alarms}

        alarm_id = "technical:feed-down:care-team"
        try:
            await eventually(window.care_graph.node_items, 10, "a care team")
            stores.network.care_team = buggy_care_team
            await eventually(lambda: alarm_id in shown_ids(), 10, "the technical alarm")
            await eventually(lambda: feed.restarts >= 1, 10, "a restart")
            stores.network.care_team = real_care_team
            await eventually(lambda: alarm_id not in shown_ids(), 10, "the alarm clearing")
        finally:
            await station.stop()

    run_on_qt_loop(scenario())
