"""The Redis alarm bus's reader of one region: live from pub/sub, caught up from the stream.

It fans each alarm version out to the region's subscriptions once, in stream order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable

from stores.alerts.redis_conn import Connection
from stores.alerts.redis_scripts import RegionKeys, entry_key, live_message, stream_entry
from stores.alerts.redis_subscription import Key, Subscription
from stores.errors import StoreUnavailable
from stores.model import Alarm

log = logging.getLogger(__name__)

RETRY_S = (0.1, 0.25, 0.5, 1.0)  # waits between reconnects while the server stays away
# A quiet channel is pinged, and a ping unanswered for a second means the link is gone: a
# station must notice a lost alarm channel within about two seconds even without traffic.
IDLE_PING_S = 1.0
PONG_WAIT_S = 1.0
BACKFILL_BATCH = 500


class RegionReader:
    """Follows one region: SUBSCRIBE to its channel, then read the stream from the last entry
    seen (backfill), then take live messages; the entry id drops what was already delivered.

    Pub/sub gives the live delivery; the stream makes it lossless: the channel is joined before
    the stream is read, so an entry is either in the backfill or arrives live (or both)."""

    def __init__(self, conn: Connection, region: str, on_state: Callable[[str | None], None]):
        self._conn = conn
        self.keys = RegionKeys(region)
        self.subscriptions: weakref.WeakSet[Subscription] = weakref.WeakSet()
        self.last: Key | None = None  # None until the start of the stream is fixed
        self._positioning = asyncio.Lock()
        self._following = False
        self._stopping = False
        self.unreadable = 0  # entries skipped because they do not parse
        self.last_problem = ""  # why the last one was skipped
        self._on_state = on_state  # None when following, else why not
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"alarm reader for {region}")

    async def ensure_positioned(self) -> None:
        """Fix where this reader starts: after the newest entry now in the stream. A publish
        from this bus calls it first, so that its alarm cannot precede the start."""
        async with self._positioning:
            if self.last is None:
                self.last = await self._tip()

    async def _tip(self) -> Key:
        newest = await self._conn.client.xrevrange(self.keys.stream, count=1)
        return entry_key(newest[0][0]) if newest else (0, 0)

    def deliver(self, entry: str, alarm: Alarm | None) -> None:
        """Hand an entry to the subscriptions unless it was seen already (in the backfill, or
        live before a reconnect); None: an entry that does not parse, skipped."""
        key = entry_key(entry)
        if self.last is not None and key <= self.last:
            return
        self.last = key
        if alarm is None:
            self.unreadable += 1
            return
        for subscription in list(self.subscriptions):
            subscription.put(key, alarm)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure means: reconnect
                if self._following:
                    failures, self._following = 0, False
                reason = (exc if isinstance(exc, StoreUnavailable) else
                          self._conn.unavailable(exc)).reason
                if failures == 0:
                    log.warning("alarm channel %s lost: %s; reconnecting", self.keys.region, reason)
                self._on_state(reason)
            await asyncio.sleep(RETRY_S[min(failures, len(RETRY_S) - 1)])
            failures += 1

    async def _follow(self) -> None:
        pubsub = self._conn.client.pubsub()
        try:
            async with self._conn.calling():
                # where to start is fixed before joining the channel, and the stream is read
                # after it: whatever comes in between is in the backfill
                await self.ensure_positioned()
                await pubsub.subscribe(self.keys.channel)
                await _confirmed(pubsub)
                await self._catch_up()
            self._following = True
            self._on_state(None)
            await self._listen(pubsub)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def _catch_up(self) -> None:
        """Read what the stream holds after the last entry seen."""
        tip = await self._tip()
        if tip < self.last:
            # The server lost entries this reader saw (a failover before they were replicated,
            # or a restart without persistence): go on from what the server has, or new
            # entries would be taken for ones already seen.
            log.warning("alarm stream %s went back from %s to %s; following the server",
                        self.keys.region, self.last, tip)
            self.last = tip
        await self.backfill()

    async def backfill(self) -> None:
        while True:
            start = "%d-%d" % self.last
            answer = await self._conn.client.xread({self.keys.stream: start}, count=BACKFILL_BATCH)
            entries = answer[0][1] if answer else []
            for entry, fields in entries:
                self.deliver(entry, self._parsed(lambda: stream_entry(fields)))
            if len(entries) < BACKFILL_BATCH:
                return

    async def _listen(self, pubsub) -> None:
        loop = asyncio.get_running_loop()
        heard, pinged = loop.time(), False
        while not self._stopping:
            message = await pubsub.get_message(timeout=0.25)
            if message is not None:
                heard, pinged = loop.time(), False
                if message["type"] == "message":
                    self._deliver_live(message["data"])
                continue
            quiet = loop.time() - heard
            if pinged and quiet > IDLE_PING_S + PONG_WAIT_S:
                raise TimeoutError("the channel did not answer a ping")
            if not pinged and quiet >= IDLE_PING_S:
                await pubsub.ping()
                pinged = True

    def _deliver_live(self, data: str) -> None:
        entry, _, rest = data.partition("\n")
        try:
            entry_key(entry)
        except ValueError:
            log.error("alarm channel %s: a live message without an entry id", self.keys.region)
            self.unreadable += 1
            self.last_problem = "a live message without an entry id"
            return
        self.deliver(entry, self._parsed(lambda: live_message(rest)))

    def _parsed(self, parse: Callable[[], Alarm]) -> Alarm | None:
        try:
            return parse()
        except (ValueError, KeyError, TypeError) as exc:
            log.error("alarm channel %s: skipped an alarm that does not parse: %s",
                      self.keys.region, exc)
            self.last_problem = str(exc) or type(exc).__name__
            return None

    async def stop(self, drain_s: float) -> None:
        """Stop following; first deliver what the stream holds now, if the server answers soon.
        Then end the subscriptions after what they were given."""
        self._stopping = True
        while not self._task.done():
            # again and again: a cancellation that lands as the driver's read timeout expires
            # is taken for that timeout on Python 3.11 (the flag then ends the loop)
            self._task.cancel()
            await asyncio.wait([self._task], timeout=0.2)
        if self.last is not None and self.subscriptions:
            try:
                async with self._conn.calling(drain_s):
                    await self.backfill()
            except Exception as exc:  # noqa: BLE001 - closing: the server may be away
                log.info("alarm channel %s: nothing drained at close (%s)", self.keys.region, exc)
        for subscription in list(self.subscriptions):
            subscription.end()


async def _confirmed(pubsub) -> None:
    """Wait for the server to confirm the SUBSCRIBE: from then on every publish arrives."""
    while True:
        message = await pubsub.get_message(timeout=1.0)
        if message is not None and message["type"] == "subscribe":
            return
