"""Resolved alarms leave the Redis bus for the analytics archive, and the history still shows
them: on a real Redis with the embedded analytics store (alone, or behind the outbox)."""

from __future__ import annotations

import dataclasses
import time

import pytest

from app.alarms.archive import AlarmArchiver, merged_history
from app.feeds.alarm_history import AlarmHistoryFeed
from stores import STORE_NAMES, StoreConfig, open_stores
from stores.analytics.embedded import EmbeddedAnalyticsStore
from stores.embedded_db import EmbeddedDb
from stores.model import Alarm, Priority
from stores.outbox import Outbox
from stores.outbox.wrappers import OutboxedAnalytics
from tests.app.qasync_helpers import run_on_qt_loop
from tests.outbox_support import Away
from tests.waiting import eventually

DAY = 86400.0
NOW = float(int(time.time()))
AGE = 7 * DAY


def alarm(id_: str, days_ago: float, priority: Priority = Priority.MEDIUM,
          cleared: bool = True) -> Alarm:
    raised = NOW - days_ago * DAY
    return Alarm(id_, "north", "north-1", "north-1-02", "p2", "Ada Byron", priority, "HR high",
                 raised, cleared_at=raised + 60.0 if cleared else None)


def on_redis(redis_server, tmp_path, body):
    """Run `body(stores)` on a flushed Redis bus and embedded other stores, on the Qt loop."""
    urls = dict.fromkeys(STORE_NAMES, "embedded") | {"alerts": redis_server.fresh_url("archive")}
    secrets = {"alerts": redis_server.secret} if redis_server.secret else {}

    async def scenario() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path, urls=urls, secrets=secrets))
        try:
            await body(stores)
        finally:
            await stores.close()

    run_on_qt_loop(scenario())


async def publish_week_old_and_recent(bus) -> None:
    await bus.publish(alarm("old-cleared", 9))
    await bus.publish(alarm("old-high", 8.5, Priority.HIGH))
    await bus.acknowledge("old-high", "nurse.kim", NOW - 8.5 * DAY + 90.0, "north")
    await bus.publish(alarm("old-open", 9.5, cleared=False))
    await bus.publish(alarm("old-latched", 8, Priority.HIGH))  # cleared, never acknowledged
    await bus.publish(alarm("recent", 2))


def test_resolved_alarms_older_than_the_age_are_archived_pruned_and_still_in_the_history(
        qapp, redis_server, tmp_path):
    async def body(stores) -> None:
        await publish_week_old_and_recent(stores.alerts)
        pruned = recorded(stores.alerts, "prune")
        archiver = AlarmArchiver(stores.alerts, stores.analytics, "north", AGE,
                                 clock=lambda: NOW, round_s=0.2, first_round_s=0.0)
        feed = AlarmHistoryFeed(stores.alerts, stores.analytics, "north", "north-1",
                                clock=lambda: NOW, archived_after_s=AGE)
        shown: list[list[Alarm]] = []
        feed.history_loaded.connect(shown.append)
        archiver.start()
        try:
            await eventually(lambda: pruned, 10, "a round of the archiver, to the pruning")
            await archiver.stop()
            on_bus = [a.id for a in await stores.alerts.history("north", NOW - 10 * DAY)]
            assert on_bus == ["old-open", "old-latched", "recent"]
            in_archive = await stores.analytics.archived_alarms("north", NOW - 10 * DAY)
            assert [a.id for a in in_archive] == ["old-cleared", "old-high"]
            feed.start()
            feed.set_range(10 * DAY)
            feed.set_shown(True)
            await eventually(lambda: shown, 10, "the history")
        finally:
            await archiver.stop()
            await feed.stop()
        history = shown[-1]
        assert [a.id for a in history] == [
            "recent", "old-latched", "old-high", "old-cleared", "old-open"]
        assert history[2].acknowledged_by == "nurse.kim"

    on_redis(redis_server, tmp_path, body)


def recorded(store, method: str) -> list[Alarm]:
    """The alarms `store.method(region?, alarms)` is called with from now on (archive_alarms of
    the analytics store, prune of the bus), once each call has returned."""
    done: list[Alarm] = []
    real = getattr(store, method)

    async def record(*args):
        answer = await real(*args)
        done.extend(args[-1])
        return answer
    setattr(store, method, record)
    return done


def test_an_alarm_acknowledged_meanwhile_is_not_pruned_and_goes_in_the_next_round(
        qapp, redis_server, tmp_path):
    async def body(stores) -> None:
        await stores.alerts.publish(alarm("a1", 9))
        await stores.alerts.publish(alarm("a2", 9))
        real = stores.analytics.archive_alarms

        async def archive_while_a_nurse_acknowledges(alarms):
            await stores.alerts.acknowledge("a2", "nurse.lee", NOW - 8 * DAY, "north")
            return await real(alarms)
        stores.analytics.archive_alarms = archive_while_a_nurse_acknowledges
        archiver = AlarmArchiver(stores.alerts, stores.analytics, "north", AGE,
                                 clock=lambda: NOW)

        first = await archiver.archive_once()

        assert (first.archived, first.pruned) == (2, 1)
        [kept] = await stores.alerts.history("north", NOW - 10 * DAY)
        assert (kept.id, kept.acknowledged_by) == ("a2", "nurse.lee")
        stores.analytics.archive_alarms = real
        assert (await archiver.archive_once()).pruned == 1
        assert await stores.alerts.history("north", NOW - 10 * DAY) == []
        archived = await stores.analytics.archived_alarms("north", NOW - 10 * DAY)
        assert [(a.id, a.acknowledged_by) for a in archived] == [("a1", None), ("a2", "nurse.lee")]

    on_redis(redis_server, tmp_path, body)


def test_with_the_analytics_store_away_nothing_is_pruned_until_the_archive_is_delivered(
        qapp, redis_server, tmp_path):
    async def body(stores) -> None:
        db = await EmbeddedDb.open(tmp_path / "analytics" / "ward.db")
        server = Away(EmbeddedAnalyticsStore(db), "analytics")
        analytics = OutboxedAnalytics(server, "analytics", Outbox(db))
        try:
            await publish_week_old_and_recent(stores.alerts)
            server.away = True
            archiver = AlarmArchiver(stores.alerts, analytics, "north", AGE, clock=lambda: NOW)

            queued = await archiver.archive_once()
            again = await archiver.archive_once()

            assert (queued.archived, queued.queued, queued.pruned) == (2, True, 0)
            assert (again.archived, again.skipped) == (0, "analytics writes wait in the outbox")
            assert len(await stores.alerts.history("north", NOW - 10 * DAY)) == 5
            delivered: list[str] = []
            analytics.courier.listen(lambda event, write: delivered.append(event))
            server.away = False
            await eventually(lambda: delivered == ["delivered"], 20, "the outbox delivering")
            assert (await archiver.archive_once()).pruned == 2
            assert len(await stores.alerts.history("north", NOW - 10 * DAY)) == 3
            assert len(await analytics.archived_alarms("north", NOW - 10 * DAY)) == 2
        finally:
            await analytics.close()
            await db.close()

    on_redis(redis_server, tmp_path, body)


def test_the_history_has_each_alarm_once_in_its_latest_state():
    cleared = alarm("a1", 9)
    acknowledged = cleared.acknowledge("nurse.kim", cleared.cleared_at + 5.0)
    other = alarm("a2", 8)

    assert merged_history([cleared], [acknowledged, other]) == [acknowledged, other]
    assert merged_history([acknowledged, other], [cleared]) == [acknowledged, other]
    reopened = dataclasses.replace(cleared, cleared_at=None)  # the bus's own, same times
    assert merged_history([reopened], [reopened]) == [reopened]


@pytest.mark.parametrize("range_s, reads", [(8 * 3600.0, False), (AGE, True)])
def test_the_history_reads_the_archive_only_when_its_period_reaches_it(
        qapp, tmp_path, range_s, reads):
    asked: list[float] = []

    async def scenario() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        real = stores.analytics.archived_alarms

        async def archived_alarms(region, since, until=None, patient_id=None):
            asked.append(since)
            return await real(region, since, until, patient_id)
        stores.analytics.archived_alarms = archived_alarms
        feed = AlarmHistoryFeed(stores.alerts, stores.analytics, "north", "north-1",
                                clock=lambda: NOW, archived_after_s=AGE)
        loaded: list = []
        feed.history_loaded.connect(loaded.append)
        feed.range_s = range_s
        try:
            await feed.load()
        finally:
            await stores.close()
        assert loaded == [[]]

    run_on_qt_loop(scenario())
    assert asked == ([NOW - range_s] if reads else [])
