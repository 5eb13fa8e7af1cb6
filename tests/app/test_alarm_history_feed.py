"""The alarm history feed on the embedded stores, and the shift figures it is built on."""

from __future__ import annotations

import gc
from datetime import datetime

from app.feeds.alarm_history import AlarmHistoryFeed
from stores import StoreConfig, open_stores
from stores.analytics import AnalyticsStore
from stores.errors import StoreUnavailable
from stores.model import Alarm, Priority, WardHour, shift_figures, ward_shifts
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

H = 3600.0
NOW = datetime(2026, 3, 10, 10, 30).timestamp()  # local time: 3.5 h into the day shift
DAY_SHIFT = datetime(2026, 3, 10, 7).timestamp()
NIGHT_SHIFT = datetime(2026, 3, 9, 23).timestamp()


def alarm(alarm_id: str, hours_ago: float, ward: str = "north-1", region: str = "north",
          priority=Priority.MEDIUM) -> Alarm:
    return Alarm(alarm_id, region, ward, f"{ward}-02", "p2", "Ada Byron", priority, "HR high",
                 NOW - hours_ago * H)


# --- shifts and their figures -----------------------------------------------------------------


def test_the_shift_under_way_and_the_one_before_in_local_time():
    assert ward_shifts(NOW) == [("Day", DAY_SHIFT, DAY_SHIFT + 8 * H),
                                ("Night", NIGHT_SHIFT, DAY_SHIFT)]
    just_after_midnight = datetime(2026, 3, 10, 0, 5).timestamp()
    assert ward_shifts(just_after_midnight, 1) == [("Night", NIGHT_SHIFT, DAY_SHIFT)]
    assert ward_shifts(DAY_SHIFT)[0][1] == DAY_SHIFT  # a shift starts on its hour


def test_shift_figures_add_up_the_hours_of_each_shift():
    shifts = ward_shifts(NOW)
    hours = [
        WardHour("north", "north-1", DAY_SHIFT, alarms=3, bed_seconds=10 * H, acknowledged=2,
                 acknowledge_s_sum=50.0),
        WardHour("north", "north-1", DAY_SHIFT + 2 * H, alarms=2, bed_seconds=10 * H,
                 acknowledged=2, acknowledge_s_sum=30.0),
        WardHour("north", "north-1", DAY_SHIFT - H, alarms=4, bed_seconds=8 * H),  # night
        WardHour("north", "north-1", NIGHT_SHIFT - H, alarms=99, bed_seconds=1 * H),  # before
    ]

    day, night = shift_figures(hours, shifts)

    assert (day.alarms, day.bed_hours, day.alarms_per_bed_hour) == (5, 20.0, 0.25)
    assert (day.acknowledged, day.acknowledge_s_mean) == (4, 20.0)
    assert (night.alarms, night.alarms_per_bed_hour, night.acknowledge_s_mean) == (4, 0.5, None)
    assert (night.name, night.start, night.end) == ("Night", NIGHT_SHIFT, DAY_SHIFT)


def test_a_shift_without_monitored_beds_has_no_rate():
    [figures] = shift_figures([], ward_shifts(NOW, 1))

    assert (figures.alarms, figures.bed_hours, figures.alarms_per_bed_hour) == (0, 0.0, None)


# --- the feed ---------------------------------------------------------------------------------


class Recorder:
    """What the feed emitted, and its rounds: each load looks at the clock once, at its start
    (round n + 1 under way: round n is over)."""

    def __init__(self) -> None:
        self.rounds = 0
        self.history: list[list[Alarm]] = []
        self.shifts: list = []
        self.shifts_down: list[str] = []
        self.down: list[str] = []

    def clock(self) -> float:
        self.rounds += 1
        return NOW

    def follow(self, feed: AlarmHistoryFeed) -> None:
        feed.history_loaded.connect(self.history.append)
        feed.shifts_loaded.connect(self.shifts.append)
        feed.shifts_unavailable.connect(self.shifts_down.append)
        feed.unavailable.connect(self.down.append)

    def ids(self) -> list[str]:
        return [a.id for a in self.history[-1]] if self.history else []


class FailingAnalytics(AnalyticsStore):
    """An analytics store that cannot be reached."""

    async def add_hours(self, rollups):
        raise StoreUnavailable("cannot reach c1:9042")

    async def hours(self, region, start, end):
        raise StoreUnavailable("cannot reach c1:9042")

    async def record_occupancy(self, occupancy):
        raise StoreUnavailable("cannot reach c1:9042")

    async def occupancy(self):
        raise StoreUnavailable("cannot reach c1:9042")

    async def health(self):
        raise NotImplementedError

    async def close(self):
        pass


def scenario_on(tmp_path, body, analytics: AnalyticsStore | None = None, refresh_s=10.0):
    async def scenario() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        recorder = Recorder()
        feed = AlarmHistoryFeed(stores.alerts, analytics or stores.analytics, "north", "north-1",
                                clock=recorder.clock, refresh_s=refresh_s)
        recorder.follow(feed)
        feed.start()
        try:
            await body(stores, feed, recorder)
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(scenario())
    # The closed loop and its Qt timers form reference cycles; collected here, on the main
    # thread, they cannot be collected later on a driver's thread (Qt: "Timers cannot be
    # stopped from another thread", and a crash in the next test).
    gc.collect()


def test_the_wards_alarms_of_the_period_newest_first_latest_version(qapp, tmp_path):
    async def body(stores, feed, seen):
        for published in (alarm("a1", 3), alarm("a2", 1), alarm("a1", 3).clear(NOW - 2 * H),
                          alarm("other-ward", 1, ward="north-2"),
                          alarm("other-region", 1, region="south"), alarm("too-old", 9)):
            await stores.alerts.publish(published)
        feed.set_shown(True)

        await eventually(lambda: seen.history, 5, "the history")
        assert seen.ids() == ["a2", "a1"]
        assert seen.history[-1][1].cleared_at == NOW - 2 * H

        feed.set_range(24 * H)
        await eventually(lambda: "too-old" in seen.ids(), 2, "the longer period, at once")
        assert seen.ids() == ["a2", "a1", "too-old"]
        assert seen.down == []

    scenario_on(tmp_path, body)


def test_nothing_loads_until_shown_then_it_refreshes_and_emits_only_changes(qapp, tmp_path):
    async def body(stores, feed, seen):
        pauses = paused(feed)
        await stores.alerts.publish(alarm("a1", 1))
        await eventually(lambda: pauses == [None], 5, "the feed waiting to be shown")
        assert seen.history == [] and seen.shifts == [] and seen.rounds == 0

        feed.set_shown(True)
        await eventually(lambda: seen.history and seen.shifts, 5, "the first load")
        rounds = seen.rounds
        await eventually(lambda: seen.rounds >= rounds + 2, 5, "a refresh with nothing new")
        assert (len(seen.history), len(seen.shifts)) == (1, 1)

        await stores.alerts.acknowledge("a1", "nurse.kim", NOW - 0.5 * H)
        await eventually(lambda: len(seen.history) == 2, 2, "the refresh")
        assert seen.history[-1][0].acknowledged_by == "nurse.kim"

        feed.set_shown(False)
        await eventually(lambda: pauses[-1] is None, 5, "the feed waiting to be shown again")
        rounds, loads = seen.rounds, len(seen.history)
        await stores.alerts.publish(alarm("a2", 0.1))
        assert (seen.rounds, len(seen.history)) == (rounds, loads)

    scenario_on(tmp_path, body, refresh_s=0.1)


def paused(feed: AlarmHistoryFeed) -> list[float | None]:
    """The pauses the feed takes between rounds from now on: None is a pause without end, until
    it is shown or its period changes (no round can come while it lasts)."""
    pauses: list[float | None] = []
    wait_or_wake = feed.wait_or_wake

    async def recorded(wake, timeout_s: float | None) -> bool:
        pauses.append(timeout_s)
        return await wait_or_wake(wake, timeout_s)
    feed.wait_or_wake = recorded
    return pauses


def test_shift_figures_of_this_ward_from_analytics(qapp, tmp_path):
    async def body(stores, feed, seen):
        await stores.analytics.add_hours([
            WardHour("north", "north-1", DAY_SHIFT + H, alarms=6, bed_seconds=12 * H),
            WardHour("north", "north-1", DAY_SHIFT + H, acknowledged=3, acknowledge_s_sum=90.0),
            WardHour("north", "north-1", NIGHT_SHIFT, alarms=2, bed_seconds=16 * H),
            WardHour("north", "north-2", DAY_SHIFT, alarms=50, bed_seconds=1 * H),
        ])
        feed.set_shown(True)

        await eventually(lambda: seen.shifts, 5, "the shift figures")
        day, night = seen.shifts[-1]
        assert (day.name, day.start, day.alarms, day.alarms_per_bed_hour) == (
            "Day", DAY_SHIFT, 6, 0.5)
        assert (day.acknowledged, day.acknowledge_s_mean) == (3, 30.0)
        assert (night.alarms, night.bed_hours, night.acknowledged) == (2, 16.0, 0)

    scenario_on(tmp_path, body)


def test_analytics_down_takes_only_the_shift_figures_away(qapp, tmp_path):
    async def body(stores, feed, seen):
        await stores.alerts.publish(alarm("a1", 1))
        feed.set_shown(True)

        await eventually(lambda: seen.history and seen.shifts_down, 5, "history and the failure")
        rounds = seen.rounds
        await eventually(lambda: seen.rounds >= rounds + 3, 5, "a few more refreshes")
        assert seen.shifts_down == ["cannot reach c1:9042"]  # once, not once per refresh
        assert seen.ids() == ["a1"] and seen.down == [] and feed.down_reason is None

    scenario_on(tmp_path, body, analytics=FailingAnalytics(), refresh_s=0.05)


def test_the_alarm_bus_down_is_reported_and_its_return_too(qapp, tmp_path):
    async def body(stores, feed, seen):
        history = stores.alerts.history
        back = []
        feed.available.connect(lambda: back.append(True))

        async def unreachable(region, since):
            raise StoreUnavailable("connection to redis-1:6379 lost")

        stores.alerts.history = unreachable
        feed.set_shown(True)
        await eventually(lambda: seen.down, 5, "the outage")
        assert seen.down == ["connection to redis-1:6379 lost"]
        assert seen.shifts  # the figures come from analytics, which is up

        stores.alerts.history = history
        await eventually(lambda: back and seen.history, 5, "the return")
        assert seen.history == [[]] and len(seen.down) == 1

    scenario_on(tmp_path, body, refresh_s=0.05)
