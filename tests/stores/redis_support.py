"""What the Redis alarm bus tests share: alarms, buses opened on a URL, collecting deliveries."""

from __future__ import annotations

import asyncio
import time

import pytest_asyncio
import redis

from stores.alerts.redis import RedisAlertBus, open_store
from stores.model import Alarm, Priority
from stores.urls import parse_store_url
from tests.waiting import eventually

# Times near now: the bus refuses alarms whose times lie years from its server's clock.
T0 = float(int(time.time()) // 3600 * 3600 - 86400)


def alarm(id_: str, raised_at: float = 100.0, priority: Priority = Priority.MEDIUM) -> Alarm:
    """An alarm raised `raised_at` seconds after the tests' origin `T0`."""
    return Alarm(id=id_, region="north", ward="north-1", bed_id="north-1-01", patient_id="p1",
                 patient_name="Ada Lovelace", priority=priority, condition="SpO2 low",
                 raised_at=T0 + raised_at)


@pytest_asyncio.fixture
async def open_bus():
    """Opens Redis buses straight from a URL (no outbox in front); closes them all."""
    opened: list[RedisAlertBus] = []

    async def open_one(url: str, secret: str | None, alarm_keys=None) -> RedisAlertBus:
        bus = await open_store(parse_store_url("alerts", url), secret, alarm_keys)
        opened.append(bus)
        return bus

    yield open_one
    for bus in opened:
        await bus.close()


class Collector:
    """Drains a subscription in the background into `ids`."""

    def __init__(self, subscription) -> None:
        self.ids: list[str] = []
        self._markers = 0
        self._task = asyncio.ensure_future(self._collect(subscription))

    async def _collect(self, subscription) -> None:
        async for alarm in subscription:
            self.ids.append(alarm.id)

    @property
    def ended(self) -> bool:
        return self._task.done()

    async def wait_for(self, count: int, timeout_s: float) -> list[str]:
        """The ids delivered, once there are `count` (or the subscription ended)."""
        await eventually(lambda: len(self.ids) >= count or self.ended, timeout_s,
                         f"{count} alarm(s) delivered")
        return list(self.ids)

    async def settled(self, bus, timeout_s: float = 10.0) -> list[str]:
        """Every id delivered, once a marker alarm that `bus` publishes now has come (the marker
        left out): the region's stream is read in order, so nothing published before the
        marker, a duplicate included, is still on its way. The marker is resolved and raised
        before the tests' origin: never among the open alarms nor in a history since `T0`."""
        self._markers += 1
        marker = f"settled-{self._markers}"
        await bus.publish(alarm(marker, -60.0).clear(T0 - 59.0))
        await eventually(lambda: marker in self.ids or self.ended, timeout_s,
                         f"the marker {marker} delivered")
        if marker in self.ids:
            self.ids.remove(marker)
        return list(self.ids)

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def raw_client(url: str, secret: str | None, **options) -> redis.Redis:
    """A plain client on the bus's server: another program, a station with a bug, an attacker."""
    host, port = parse_store_url("alerts", url).hosts[0]
    return redis.Redis(host=host, port=port, password=secret, **options)


async def followed(open_bus, url: str, secret: str | None, alarm_keys=None):
    """A station on `url` whose reader follows the north region, and what it delivers."""
    station = await open_bus(url, secret, alarm_keys)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)
    return station, collector


async def following(station: RedisAlertBus, collector: Collector, region: str = "north") -> None:
    """Make sure the station's reader follows the region: its own publish positions it first."""
    await station.publish(alarm("hello", 1.0))
    assert await collector.wait_for(1, 5.0) == ["hello"]
    collector.ids.clear()
