"""The Redis alarm bus's reader of one region: woken by pub/sub, reading from the stream.

It fans each alarm version out to the region's subscriptions once, in stream order (a version
written again after a failover, `stores.alerts.redis_replay`, is not delivered twice). Only the
server's stream says which entries exist: a pub/sub message only wakes the reader, whatever it
says (anyone who may publish could send an entry id far ahead and make real ones look old).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from stores.alerts import redis_channel as channel
from stores.alerts.redis_conn import Connection
from stores.alerts.redis_records import RecordReader, ServerClock
from stores.alerts.redis_scripts import RegionKeys, entry_id, entry_key
from stores.alerts.redis_subscription import Key, Subscription
from stores.backoff import backoff_s
from stores.errors import StoreUnavailable
from stores.model import Alarm

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

BACKFILL_BATCH = 500
# A stream whose newest id lies this far ahead of the server's clock holds a forged entry: its
# later ids are no times, and once they run out (a forged id at the very top) no alarm can be
# added at all. Said at every station, as a refused record, until an administrator deletes it.
TIP_AHEAD_MS = 86_400_000
TIP_CHECK_S = 10.0  # how often a quiet channel's stream end is looked at
# Alarm versions delivered lately, remembered so that one written again after a failover
# (`stores.alerts.redis_replay`) is not delivered twice: as many as a region's stream keeps.
DELIVERED_KEPT = 10_000


class RegionReader:
    """Follows one region: SUBSCRIBE to its channel, then read the stream from the last entry
    seen (backfill), then read it again whenever a live message wakes the reader.

    The channel is joined before the stream is read, so an entry is either in the backfill or
    wakes the reader afterwards (or both)."""

    def __init__(self, conn: Connection, records: RecordReader, clock: ServerClock,
                 on_state: Callable[[str | None], None]):
        self._conn = conn
        self.records, self._clock = records, clock
        self.keys = RegionKeys(records.region)
        self.subscriptions: weakref.WeakSet[Subscription] = weakref.WeakSet()
        self.last: Key | None = None  # None until the start of the stream is fixed
        self._positioning = asyncio.Lock()
        self._delivered: collections.OrderedDict[Alarm, None] = collections.OrderedDict()
        self._following = False
        self._stopping = False
        self._on_state = on_state  # None when following, else why not
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"alarm reader for {records.region}")

    async def ensure_positioned(self) -> None:
        """Fix where this reader starts: after the newest entry now in the stream. A publish
        from this bus calls it first, so that its alarm cannot precede the start."""
        async with self._positioning:
            if self.last is None:
                self.last = await self._tip()

    async def _tip(self) -> Key:
        newest = await self._conn.client.xrevrange(self.keys.stream, count=1)
        return entry_key(newest[0][0]) if newest else (0, 0)

    def _deliver(self, entries: Sequence[tuple[str, object]], now: float) -> None:
        """Hand the stream's entries to the subscriptions, each once; an entry that is refused
        is counted (`records.refused`) and skipped, and never stops the ones after it. `now`:
        the server's clock, which the alarms' times are checked against."""
        for entry, fields in entries:
            key = entry_key(entry)  # the server's own id: it parses
            if self.last is not None and key <= self.last:
                continue
            self.last = key
            alarm = self.records.entry(fields, now)
            if alarm is None or not self._first_time(alarm):
                continue
            for subscription in list(self.subscriptions):
                subscription.put_entry(key, alarm)

    def _first_time(self, alarm: Alarm) -> bool:
        """Whether this very version, acknowledgement included, is new to this reader."""
        if alarm in self._delivered:
            return False
        self._delivered[alarm] = None
        if len(self._delivered) > DELIVERED_KEPT:
            self._delivered.popitem(last=False)
        return True

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
                          self._conn.store_error(exc)).reason
                if failures == 0:
                    log.warning("alarm channel %s lost: %s; reconnecting", self.keys.region, reason)
                self._on_state(reason)
            await asyncio.sleep(backoff_s(failures, channel.RETRY_S, channel.RETRY_CAP_S))
            failures += 1

    async def _follow(self) -> None:
        # where to start is fixed before joining the channel, and the stream is read after it:
        # whatever comes in between is in the backfill
        async with self._conn.calling():
            await self.ensure_positioned()
        async with channel.joined(self._conn, self.keys.channel) as pubsub:
            async with self._conn.calling():
                await self._catch_up()
            self._following = True
            self._on_state(None)
            await self._listen(pubsub)

    def _positioned(self) -> Key:
        """The last entry seen: fixed by `ensure_positioned` before the stream is read."""
        if self.last is None:
            raise RuntimeError(f"the alarm reader of {self.keys.region} read before positioning")
        return self.last

    async def _catch_up(self) -> None:
        """Read what the stream holds after the last entry seen."""
        tip = await self._tip()
        if tip < self._positioned():
            # The server lost entries this reader saw (a failover before they were replicated,
            # or a restart without persistence): go on from what the server has, or new
            # entries would be taken for ones already seen.
            log.warning("alarm stream %s went back from %s to %s; following the server",
                        self.keys.region, self.last, tip)
            self.last = tip
        await self._check_trimmed()
        await self._check_tip(tip)
        await self.backfill()

    async def _check_tip(self, tip: Key | None = None) -> None:
        tip = tip if tip is not None else await self._tip()
        if tip[0] <= await self._clock.now(self._conn.client) * 1000 + TIP_AHEAD_MS:
            return
        self.records.refused.add(
            self.keys.region, f"the alarm stream {self.keys.stream} ends with an entry id far "
            "ahead of the server's clock (forged): new alarms may soon not be added at all; an "
            f"administrator must delete {self.keys.stream}", f"tip {entry_id(tip)}")

    async def _check_trimmed(self) -> None:
        """The stream is capped: a reader away for long may find its last entry trimmed, and
        entries after it that it never read. Its subscribers are told to read the current
        alarms again, and the station says so."""
        oldest = await self._conn.client.xrange(self.keys.stream, count=1)
        last = self._positioned()
        if not oldest or last == (0, 0) or entry_key(oldest[0][0]) <= last:
            return
        why = ("the alarm stream was trimmed past the last entry this station read; the "
               "current alarms were read again")
        log.warning("alarm stream %s: %s", self.keys.region, why)
        for subscription in list(self.subscriptions):
            subscription.missed(why)

    async def backfill(self) -> None:
        while True:
            start = entry_id(self._positioned())
            answer = await self._conn.client.xread({self.keys.stream: start}, count=BACKFILL_BATCH)
            entries = answer[0][1] if answer else []
            self._deliver(entries, await self._clock.now(self._conn.client))
            if len(entries) < BACKFILL_BATCH:
                if entries:  # the newest id read: a forged one far ahead is said at once
                    await self._check_tip(self.last)
                return

    async def _listen(self, pubsub: PubSub) -> None:
        async def woken(data: object) -> None:
            await self._woken(pubsub)

        async def check_tip() -> None:
            # briefly: a server that went silent is noticed by the ping, not held here
            async with self._conn.calling(channel.PONG_WAIT_S):
                await self._check_tip()

        await channel.listen(pubsub, woken, lambda: not self._stopping, TIP_CHECK_S, check_tip)

    async def _woken(self, pubsub: PubSub) -> None:
        """Something was published: read the stream once for every message already here."""
        for _ in range(BACKFILL_BATCH):
            message = await pubsub.get_message(timeout=0)
            if message is None:
                break
        async with self._conn.calling():
            await self.backfill()

    async def stop(self, drain_s: float) -> None:
        """Stop following; first deliver what the stream holds now, if the server answers soon.
        Then end the subscriptions after what they were given."""
        self._stopping = True
        await channel.stop_task(self._task)
        if self.last is not None and self.subscriptions:
            try:
                async with self._conn.calling(drain_s):
                    await self.backfill()
            except Exception as exc:  # noqa: BLE001 - closing: the server may be away
                log.info("alarm channel %s: nothing drained at close (%s)", self.keys.region, exc)
        for subscription in list(self.subscriptions):
            subscription.end()

