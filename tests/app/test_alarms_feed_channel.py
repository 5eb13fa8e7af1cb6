"""The alarm feed when the channel comes and goes: a re-read of the current alarms does not
bury an alarm that arrived meanwhile, and a channel that cannot be followed is the channel lost
even though the bus still answers calls."""
from __future__ import annotations

import asyncio
import time

import redis as redis_py

from app.feeds.alarms import CHANNEL_LOST_ID, AlarmsFeed
from stores import STORE_NAMES, StoreConfig, open_stores
from stores.alerts import AlertBus
from stores.model import Alarm, HealthState, Priority, StoreHealth
from tests.app.qasync_helpers import run_on_qt_loop
from tests.servers import free_port, start_or_skip
from tests.servers.redis import start_redis
from tests.waiting import eventually


class RidingBus(AlertBus):
    """Embedded bus whose health can say DOWN while the subscription rides through (as Redis
    does), and whose active() answer takes a little while to come back."""

    def __init__(self, bus):
        self._bus = bus
        self.down = False
        self.slow = False
        self.snapshot_taken = asyncio.Event()
        self.slow_answers = 0  # active() answers sent back slowly: the feed has them at once

    async def publish(self, alarm):
        await self._bus.publish(alarm)

    async def acknowledge(self, alarm_id, by, at, region=None):
        return await self._bus.acknowledge(alarm_id, by, at, region)

    async def active(self, region):
        snapshot = await self._bus.active(region)
        if self.slow:
            self.snapshot_taken.set()
            await asyncio.sleep(0.3)  # the reply on its way over the network
            self.slow_answers += 1
        return snapshot

    async def history(self, region, since):
        return await self._bus.history(region, since)

    def subscribe(self, region):
        return self._bus.subscribe(region)

    async def health(self):
        if self.down:
            return StoreHealth("alerts", "redis", HealthState.DOWN, reason="link lost")
        return await self._bus.health()

    async def close(self):
        await self._bus.close()


def alarm(i: str) -> Alarm:
    return Alarm(id=i, region="north", ward="north-1", bed_id="north-1-01", patient_id="p1",
                 patient_name="Jane Doe", priority=Priority.HIGH, condition="SpO2 low",
                 raised_at=time.time())


def test_an_alarm_arriving_while_the_current_alarms_are_reread_stays_shown(qapp, tmp_path):
    async def scenario():
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        bus = RidingBus(stores.alerts)
        feed = AlarmsFeed(bus, "north", "north-1", "nurse")
        feed.start()
        try:
            await eventually(lambda: feed._following, what="following")
            bus.down = True
            await eventually(lambda: CHANNEL_LOST_ID in {a.id for a in feed.alarms})
            bus.slow = True
            bus.down = False          # link back: the feed re-reads active()
            await bus.snapshot_taken.wait()
            await bus.publish(alarm("new-high"))   # published right after the snapshot
            await eventually(lambda: "new-high" in {a.id for a in feed.alarms},
                             what="live delivery")
            await eventually(lambda: bus.slow_answers, what="the re-read finishing")
            on_bus = {a.id for a in await stores.alerts.active("north")}
            shown = {a.id for a in feed.alarms}
            assert "new-high" in on_bus
            assert "new-high" in shown, f"open HIGH alarm vanished from the feed: {shown}"
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(scenario())


def test_a_channel_the_station_may_not_follow_is_the_channel_lost(qapp, tmp_path):
    """Commands work but the ACL refuses the channel: health says DEGRADED, not DOWN."""
    port = free_port()
    (tmp_path / "redis").mkdir()
    server = start_or_skip("redis-server", lambda: start_redis(tmp_path / "redis", port, None))
    admin = redis_py.Redis(port=port)
    # keys and commands, but (Redis 7 default acl-pubsub-default resetchannels) no channels
    admin.execute_command("ACL", "SETUSER", "station", "on", ">pw", "~ward:*", "+@all")
    station_urls = dict.fromkeys(STORE_NAMES, "embedded") | {
        "alerts": f"redis://station@127.0.0.1:{port}/0?insecure=true"}  # a password, plain
    other_urls = dict.fromkeys(STORE_NAMES, "embedded") | {
        "alerts": f"redis://127.0.0.1:{port}/0"}

    async def scenario():
        station = await open_stores(StoreConfig(data_dir=tmp_path / "s", urls=station_urls,
                                                secrets={"alerts": "pw"}))
        other = await open_stores(StoreConfig(data_dir=tmp_path / "o", urls=other_urls))
        feed = AlarmsFeed(station.alerts, "north", "north-1", "nurse")
        seen = []
        feed.alarms_changed.connect(seen.append)
        feed.start()
        try:
            await eventually(lambda: seen, 5, "first list")
            await other.alerts.publish(alarm("after-start"))
            lost = await eventually(
                lambda: next((a for a in feed.alarms if a.id == CHANNEL_LOST_ID), None), 10,
                "the channel-lost alarm")
            assert "ACL" in lost.condition, lost.condition  # says why: the channel is refused
        finally:
            await feed.stop()
            await station.close()
            await other.close()
            server.stop()

    run_on_qt_loop(scenario())
