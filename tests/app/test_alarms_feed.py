"""The alarm feed: the ward's alarms, live; losing the alarm channel is itself an alarm."""

from __future__ import annotations

import asyncio
import time

from app.feeds.alarms import CHANNEL_LOST_ID, AlarmsFeed
from stores import STORE_NAMES, StoreConfig, open_stores
from stores.alerts import AlertBus
from stores.errors import StoreUnavailable
from stores.model import Alarm, AlarmKind, Priority
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


class DroppableBus(AlertBus):
    """The real embedded bus behind a connection that the test can cut and restore."""

    def __init__(self, bus: AlertBus) -> None:
        self._bus = bus
        self.down = False
        self._cut = asyncio.Event()
        self.subscribed = self.health_checks = 0  # the feed's attempts to follow, its looks

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("connection to redis-1:6379 lost")

    def drop(self) -> None:
        self.down = True
        self._cut.set()

    def restore(self) -> None:
        self.down = False
        self._cut = asyncio.Event()

    async def publish(self, alarm):
        self._check()
        await self._bus.publish(alarm)

    async def acknowledge(self, alarm_id, by, at, region=None):
        self._check()
        return await self._bus.acknowledge(alarm_id, by, at, region)

    async def active(self, region):
        self._check()
        return await self._bus.active(region)

    async def history(self, region, since):
        self._check()
        return await self._bus.history(region, since)

    def subscribe(self, region):
        self.subscribed += 1
        return _CuttableSubscription(self._bus.subscribe(region), self._cut, self)

    async def health(self):
        self.health_checks += 1
        return await self._bus.health()

    async def close(self):
        await self._bus.close()


class _CuttableSubscription:
    def __init__(self, inner, cut: asyncio.Event, bus: DroppableBus) -> None:
        self._inner, self._cut, self._bus = inner, cut, bus

    def __aiter__(self):
        return self

    async def __anext__(self) -> Alarm:
        self._bus._check()  # noqa: SLF001
        following = asyncio.ensure_future(self._inner.__anext__())
        cut = asyncio.ensure_future(self._cut.wait())
        try:
            await asyncio.wait({following, cut}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            cut.cancel()
            if not following.done():
                following.cancel()
        if following.done() and not following.cancelled():
            return following.result()
        raise StoreUnavailable("connection to redis-1:6379 lost")

    async def aclose(self) -> None:
        await self._inner.aclose()


def alarm(alarm_id: str, ward: str = "north-1", priority=Priority.MEDIUM) -> Alarm:
    return Alarm(id=alarm_id, region="north", ward=ward, bed_id=f"{ward}-03", patient_id="p3",
                 patient_name="Ada Byron", priority=priority, condition="HR high",
                 raised_at=time.time())


def test_channel_loss_is_an_alarm_until_the_channel_is_back(qapp, tmp_path):
    async def scenario() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        bus = DroppableBus(stores.alerts)
        feed = AlarmsFeed(bus, "north", "north-1", "nurse.test")
        shown: list[list[Alarm]] = []
        feed.alarms_changed.connect(shown.append)
        ids = lambda: {a.id for a in (shown[-1] if shown else [])}  # noqa: E731

        def lost_acknowledged_by() -> str | None:
            lost = [a.acknowledged_by for a in shown[-1] if a.id == CHANNEL_LOST_ID]
            return lost[0] if lost else "(not listed)"

        feed.start()
        try:
            await eventually(lambda: shown, 2, "the first list of alarms")
            await stores.alerts.publish(alarm("a1"))
            await stores.alerts.publish(alarm("other-ward", ward="north-2"))
            await eventually(lambda: ids() == {"a1"}, 2, "the ward's alarm, and only it")

            lost_at = time.monotonic()
            bus.drop()
            await eventually(lambda: CHANNEL_LOST_ID in ids(), 2, "the channel-lost alarm")
            assert time.monotonic() - lost_at < 2.0
            lost = next(a for a in shown[-1] if a.id == CHANNEL_LOST_ID)
            assert (lost.kind, lost.priority) == (AlarmKind.TECHNICAL, Priority.HIGH)
            assert "redis-1:6379" in lost.condition
            # cannot be acknowledged away while lost: silenced, listed, also once the feed
            # has tried the channel again and looked at its health
            await feed.acknowledge(CHANNEL_LOST_ID)
            attempts, looks = bus.subscribed, bus.health_checks
            assert lost_acknowledged_by() == "nurse.test"
            await eventually(lambda: bus.subscribed > attempts and bus.health_checks > looks, 10,
                             "the feed trying the channel again and looking at its health")
            assert lost_acknowledged_by() == "nurse.test"

            await stores.alerts.publish(alarm("a2", priority=Priority.HIGH))  # missed live
            bus.restore()
            await eventually(lambda: ids() == {"a1", "a2"}, 3, "recovery with the missed alarm")
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(scenario())


def test_a_redis_outage_is_shown_within_2_s_and_the_missed_alarms_come_after(qapp, tmp_path):
    """The same, with a real Redis killed and restarted: the subscription rides through the
    outage, so the feed learns of it from the bus's health."""
    from tests.servers import free_port, start_or_skip
    from tests.servers.redis import start_redis

    port = free_port()
    (tmp_path / "redis").mkdir()
    redis = start_or_skip("redis-server", lambda: start_redis(tmp_path / "redis", port, None,
                                                               persist=True))
    urls = dict.fromkeys(STORE_NAMES, "embedded") | {"alerts": f"redis://127.0.0.1:{port}/0"}

    async def scenario() -> None:
        station = await open_stores(StoreConfig(data_dir=tmp_path / "station", urls=urls))
        other = await open_stores(StoreConfig(data_dir=tmp_path / "other", urls=urls))
        feed = AlarmsFeed(station.alerts, "north", "north-1", "nurse.test")
        shown: list[list[Alarm]] = []
        feed.alarms_changed.connect(shown.append)
        ids = lambda: {a.id for a in (shown[-1] if shown else [])}  # noqa: E731
        feed.start()
        try:
            await eventually(lambda: shown, 5, "the first list of alarms")
            await other.alerts.publish(alarm("a1"))
            await eventually(lambda: ids() == {"a1"}, 2, "an alarm from another station")

            lost_at = time.monotonic()
            redis.kill()
            await eventually(lambda: CHANNEL_LOST_ID in ids(), 3, "the channel-lost alarm")
            assert time.monotonic() - lost_at < 2.0
            await other.alerts.publish(alarm("a2", priority=Priority.HIGH))  # waits in its outbox

            redis.start()
            await eventually(lambda: ids() == {"a1", "a2"}, 15, "recovery with the missed alarm")
        finally:
            await feed.stop()
            await station.close()
            await other.close()
            redis.stop()

    run_on_qt_loop(scenario())


def test_a_subscription_that_missed_alarms_is_read_again_and_said_not_taken_for_a_lost_channel(
        qapp, tmp_path, monkeypatch):
    async def scenario() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        subscriptions = []
        subscribe = stores.alerts.subscribe
        monkeypatch.setattr(stores.alerts, "subscribe",
                            lambda region: subscriptions.append(subscribe(region))
                            or subscriptions[-1])
        feed = AlarmsFeed(stores.alerts, "north", "north-1", "nurse.test")
        shown: list[list[Alarm]] = []
        feed.alarms_changed.connect(shown.append)
        ids = lambda: {a.id for a in (shown[-1] if shown else [])}  # noqa: E731
        feed.start()
        try:
            await eventually(lambda: shown, 2, "the first list of alarms")
            await stores.alerts.publish(alarm("a1"))
            await eventually(lambda: ids() == {"a1"}, 2, "the first alarm")

            subscriptions[-1].missed("the stream was trimmed")
            await stores.alerts.publish(alarm("a2"))  # while the feed subscribes again

            await eventually(lambda: {"a1", "a2", "technical:missed"} <= ids(), 3,
                             "the alarms read again, and the interruption said")
            said = next(a for a in shown[-1] if a.id == "technical:missed")
            assert "trimmed" in said.condition and said.priority is Priority.MEDIUM
            assert CHANNEL_LOST_ID not in ids() and len(subscriptions) == 2
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(scenario())
