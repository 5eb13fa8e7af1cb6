"""What a drill runs beside the lab: the simulator's own alarm delivery with its record of every
version it was handed, a station following the bus that counts what it was shown, and the
Sentinels' events with the time each came."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
import redis.exceptions as rex

from app.simulator.delivery import SimulatorStats, StoreDelivery
from stores import Stores
from stores.errors import AlarmsMissed
from stores.model import Alarm, Priority

RATE_S = 0.05  # 20 alarm versions a second
PRIORITIES = (Priority.HIGH, Priority.MEDIUM, Priority.LOW)
Version = tuple[str, bool]  # an alarm's id, and whether its condition is active


def version(alarm: Alarm) -> Version:
    return alarm.id, alarm.condition_active


class DrillPublisher:
    """The simulator's delivery (what the bus refuses is kept and published again), handed a
    new alarm version every 50 ms: a raise, or every third one the clear of the oldest still
    open. `sent` is its record: every version it was handed, in order, with when."""

    def __init__(self, stores: Stores, region: str, ward: str) -> None:
        self.stores = stores  # its alerts store behind the station's outbox
        self.delivery = StoreDelivery(stores, SimulatorStats())
        self.sent: list[Alarm] = []
        self.sent_at: list[float] = []  # monotonic
        self._open: list[Alarm] = []
        self._region, self._ward = region, ward

    def _next(self) -> Alarm:
        n = len(self.sent)
        if n % 3 == 2 and self._open:
            return self._open.pop(0).clear(time.time())
        raised = Alarm(id=str(uuid.uuid4()), region=self._region, ward=self._ward,
                       bed_id=f"{self._ward}-{n % 16 + 1:02}", patient_id=f"drill-{n}",
                       patient_name="Drill Patient", priority=PRIORITIES[n % 3],
                       condition="SpO2 low", raised_at=time.time(), simulated=True)
        self._open.append(raised)
        return raised

    async def publish(self, count: int) -> None:
        for _ in range(count):
            await self.publish_one()

    async def publish_one(self) -> None:
        alarm = self._next()
        self.sent.append(alarm)
        self.sent_at.append(time.monotonic())
        self.delivery.queue_alarms([alarm])
        await self.delivery.publish_alarms()
        await asyncio.sleep(RATE_S)

    async def until(self, done: Callable[[], bool], limit_s: float) -> bool:
        """Publish on until `done()` or `limit_s` passed; whether it was done."""
        deadline = time.monotonic() + limit_s
        while not done():
            if time.monotonic() > deadline:
                return False
            await self.publish_one()
        return True

    async def tidy(self, by: str) -> None:
        """Clear and acknowledge (as `by`) every alarm it raised, so that the ward's banner is
        left as it was; not part of its record."""
        latest = {alarm.id: alarm for alarm in self.sent}
        now = time.time()
        for alarm in latest.values():
            done = alarm.clear(now) if alarm.condition_active else alarm
            await self.stores.alerts.publish(done.acknowledge(by, now))

    async def waiting(self) -> int:
        """Versions not published yet: kept by the delivery (which is asked to publish them
        again first, as the simulator's next tick would), or in the outbox."""
        counts = getattr(self.stores.alerts, "courier", None)
        waiting = (await counts.counts())[0] if counts is not None else 0
        await self.delivery.publish_alarms()
        return self.delivery.alarms_waiting + waiting


class DrillStation:
    """A station following the region's alarms (the window's alarm feed does the same): every
    version it was shown, with when."""

    def __init__(self, stores: Stores, region: str) -> None:
        self.shown: list[Version] = []
        self.shown_at: list[float] = []  # monotonic
        self.missed: list[str] = []  # AlarmsMissed reasons (the station reads all again)
        self._stores, self._region = stores, region
        self._task = asyncio.ensure_future(self._follow())

    async def _follow(self) -> None:
        while True:
            try:
                subscription = self._stores.alerts.subscribe(self._region)
                # whatever the drill publishes from now on is in the subscription, as at the
                # station (AlertBus.subscribe); the current alarms are not the drill's
                await self._stores.alerts.active(self._region)
                async for alarm in subscription:
                    self.shown.append(version(alarm))
                    self.shown_at.append(time.monotonic())
                return
            except AlarmsMissed as exc:  # subscribe again, as the alarm feed does
                self.missed.append(str(exc))

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@dataclass(frozen=True)
class Event:
    at: float  # monotonic
    name: str  # "+sdown", "+odown", "+switch-master", ...
    text: str  # what the Sentinel said


class SentinelEvents:
    """Every event one Sentinel publishes (`PSUBSCRIBE *`), with the time it came; each told to
    `on_event(name, text)` too, as it comes."""

    def __init__(self, host: str, port: int, password: str | None,
                 on_event: Callable[[str, str], None] | None = None) -> None:
        self.events: list[Event] = []
        self._on_event = on_event
        self._client = aioredis.Redis(host=host, port=port, password=password,
                                      decode_responses=True, socket_connect_timeout=2)
        self._task: asyncio.Task | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.ensure_future(self._listen())
        await asyncio.wait_for(self._ready.wait(), 5.0)

    async def _listen(self) -> None:
        pubsub = self._client.pubsub()
        await pubsub.psubscribe("*")
        self._ready.set()
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message and isinstance(message.get("channel"), str):
                    event = Event(time.monotonic(), message["channel"],
                                  str(message.get("data", ""))[:300])
                    self.events.append(event)
                    if self._on_event is not None:
                        self._on_event(event.name, event.text)
        except (rex.RedisError, OSError):
            return  # the Sentinel went away: its events end here
        finally:
            await pubsub.aclose()

    def first(self, name: str, after: float, about: str = "") -> Event | None:
        """The first `name` event since `after` whose text starts with `about` ("master ":
        +sdown and +odown say which kind of instance; +switch-master starts with its name)."""
        return next((e for e in self.events
                     if e.name == name and e.at >= after and e.text.startswith(about)), None)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._client.aclose()
