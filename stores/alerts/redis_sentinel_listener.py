"""What the alarm bus's Sentinels announced lately (`StoreHealth.events`): their events heard
from one Sentinel at a time, and from the next one in the URL's order when it goes; the last
few minutes kept, and no more than KEPT of them, whatever a Sentinel sends (a flood pushes the
oldest out). Each message is checked first (`redis_sentinel_events`); a refused one is counted
and logged, never kept."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from stores.alerts import redis_channel as channel
from stores.alerts.redis_conn import Connection, SentinelClient
from stores.alerts.redis_sentinel_events import EVENTS, RefusedEvent, read_event
from stores.backoff import backoff_s
from stores.model import ServerEvent

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

KEPT = 200  # events kept at most: a failover's story is about twenty per Sentinel
KEPT_S = 300.0  # and for this long: the last few minutes
RETRY_S, RETRY_CAP_S = 0.5, 5.0  # pauses once every Sentinel has failed in turn


class SentinelEvents:
    """Listens while started (`start`, on the loop; `stop`); `recent()` gives what it heard."""

    def __init__(self, conn: Connection, clock: Callable[[], float] = time.time) -> None:
        self._conn = conn
        self._clock = clock
        self._heard: collections.deque[ServerEvent] = collections.deque(maxlen=KEPT)
        self.refused = 0
        self.last_refused = ""
        self.listening_to: str | None = None  # the Sentinel followed now, once it confirmed
        self.problem: str | None = None  # why none could be followed, the last time round
        self._task: asyncio.Task[None] | None = None
        self._stopping = False  # a cancellation taken for a read's timeout still ends it

    def start(self) -> None:
        """Start listening (again nothing if it is, or if the bus has no Sentinel)."""
        if self._task is None and self._conn.sentinels():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="alarm bus's Sentinel events")

    def recent(self) -> tuple[ServerEvent, ...]:
        """What the Sentinels announced in the last KEPT_S, oldest first."""
        since = self._clock() - KEPT_S
        while self._heard and self._heard[0].at < since:
            self._heard.popleft()
        return tuple(self._heard)

    def heard(self, channel_name: object, data: object, source: str) -> None:
        """One message from the Sentinel at `source`: kept if it reads, else counted."""
        try:
            self._heard.append(read_event(channel_name, data, source, self._clock()))
        except RefusedEvent as exc:
            self.refused += 1
            self.last_refused = f"{source}: {exc}"
            if self.refused == 1 or self.refused % 1000 == 0:  # a flood logs a line per 1000
                log.warning("Sentinel message refused (%d so far): %s", self.refused, exc)

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            await channel.stop_task(self._task)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            why = ""
            for sentinel in self._conn.sentinels():
                try:
                    await self._follow(sentinel)
                except Exception as exc:  # noqa: BLE001 - every failure means: the next one
                    why = self._conn.store_error(exc).reason
                if self.listening_to is not None:  # it was followed, then went: the next one
                    self.listening_to, failures, why = None, 0, ""
            if why and why != self.problem:
                log.warning("the alarm bus's Sentinel events are not heard: %s", why)
            self.problem = why or None
            await asyncio.sleep(backoff_s(failures, RETRY_S, RETRY_CAP_S))
            failures += 1

    async def _follow(self, sentinel: SentinelClient) -> None:
        """Follow one Sentinel until its link goes (an error, or a ping unanswered)."""
        pubsub = sentinel.pubsub()
        try:
            async with asyncio.timeout(self._conn.settings.timeout_s):
                await pubsub.subscribe(*sorted(EVENTS))
                await _all_confirmed(pubsub, len(EVENTS))
            self.listening_to, self.problem = sentinel.address, None

            async def on_message(name: object, data: object) -> None:
                self.heard(name, data, sentinel.address)

            await channel.listen_to_channels(pubsub, on_message, lambda: not self._stopping,
                                             channel.IDLE_PING_S, _nothing)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()


async def _all_confirmed(pubsub: PubSub, count: int) -> None:
    """Wait for the Sentinel to confirm every channel subscribed to."""
    confirmed = 0
    while confirmed < count:
        message = await pubsub.get_message(timeout=1.0)
        if message is not None and message["type"] == "subscribe":
            confirmed += 1


async def _nothing() -> None:
    """A quiet Sentinel needs nothing done (its link is pinged by `listen_to_channels`)."""
