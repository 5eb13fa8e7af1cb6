"""One station's cache of its region's reads in Redis: cache-aside under the scope's generation,
a new generation after every write, and the store itself whenever Redis is not there.

Why an entry is never older than the last write a station heard of: a write reaches the store
before its new generation is made; an entry is kept under the generation its reader held
*before* it read the store; so an entry under the newest generation a station holds was read
after every write it heard of. A read never fails because of the cache: any trouble with Redis
is a miss; a write it cannot announce drops the view until the station follows the channel
again (and then announces a new generation of everything).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

from stores.alerts.redis_conn import Connection
from stores.alerts.signing import Signer
from stores.cache.counts import ReadCounts
from stores.cache.entries import MAX_ENTRY_CHARS, DecodedEntries, EntryCodec, Refused
from stores.cache.follower import Follower, generation_message
from stores.cache.keys import BUMP, SCOPES, CacheKeys, Query
from stores.cache.view import GenerationView
from stores.errors import StoreUnavailable
from stores.model import CacheHealth

log = logging.getLogger(__name__)
T = TypeVar("T")

CALL_TIMEOUT_S = 0.5  # a cache call slower than this is a miss: the store answers instead
# An announcement that fails costs every station of the region its entries (this one joins the
# channel again and makes new generations): it is given longer than a read.
ANNOUNCE_TIMEOUT_S = 2.0


class RegionCache:
    """The cache of one region, shared by the stores it fronts (`stores.cache.cached`)."""

    def __init__(self, conn: Connection, signer: Signer, ttl_s: float) -> None:
        self.region, self.ttl_s = signer.region, ttl_s
        self.keys = CacheKeys(signer.region)
        self.counts = {scope: ReadCounts() for scope in SCOPES}
        self._conn, self._signer = conn, signer
        self._codec = EntryCodec(signer, ttl_s)
        self._decoded = DecodedEntries(self._codec)
        self._bump_script = conn.client.register_script(BUMP)
        self.view = GenerationView()
        self.follower = Follower(conn, self.keys, self.view, signer, self._bump, self._flush)

    def start(self) -> None:
        """Follow the channel (on the running loop); reads go to the store until it does. The
        first read or write starts it too: a station that opens its stores only to check them
        (`ward-station check`) joins no channel, and so makes no generation."""
        if not self.follower.started:
            self.follower.start()

    async def read(self, scope: str, query: Query, returns: object,
                   read_store: Callable[[], Awaitable[T]],
                   keep: Callable[[T], bool] = lambda value: True) -> T:
        """The answer to `query` (of type `returns`): from the cache, else from `read_store()`,
        then kept if `keep(answer)` (an answer about another region is not: its writes are
        announced on another channel)."""
        self.start()
        counts = self.counts[scope]
        generation = self.view.current(scope)
        if generation is None:
            counts.bypassed += 1
            counts.count(hit=False)
            return await read_store()
        key = self.keys.entry(scope, generation, query)
        found = await self._lookup(counts, key, query, returns)
        counts.count(hit=found is not _MISSING)
        if found is not _MISSING:
            counts.hits += 1
            return cast(T, found)
        counts.misses += 1
        value = await read_store()
        if keep(value) and self.view.current(scope) == generation:
            await self._keep(counts, key, query, value)
        return value

    async def changed(self, scope: str) -> None:
        """A write reached the store: make the scope's next generation and announce it. If
        that fails, the view is dropped until the station follows the channel again, and then
        every scope gets a new generation anyway."""
        self.start()
        try:
            async with self._conn.calling(ANNOUNCE_TIMEOUT_S):
                self.view.heard(scope, await self._bump(scope))
        except StoreUnavailable as exc:
            log.warning("cache of region %s: a write to %s could not be announced (%s); the "
                        "station reads the store until it can", self.region, scope, exc.reason)
            self.follower.broken(exc.reason)

    async def _bump(self, scope: str) -> int:
        generation = int(await self._bump_script(keys=[self.keys.generation(scope)],
                                                 args=[self.view.known(scope)]))
        await self._conn.client.publish(
            self.keys.channel, generation_message(self._signer, scope, generation))
        return generation

    async def _lookup(self, counts: ReadCounts, key: str, query: Query, returns: object) -> object:
        # Trouble here is a miss, and leaves the view alone: it says nothing of the channel,
        # whose follower notices a server that went away within two seconds.
        try:
            async with self._conn.calling(CALL_TIMEOUT_S):
                text = await self._conn.client.getrange(key, 0, MAX_ENTRY_CHARS)
        except StoreUnavailable as exc:
            counts.fail(self.region, exc.reason)
            return _MISSING
        if not text:
            return _MISSING
        try:
            return self._decoded.read(str(text), key, query, returns, time.time())
        except Refused as exc:
            counts.refuse(self.region, str(exc))
            return _MISSING

    async def _keep(self, counts: ReadCounts, key: str, query: Query, value: object) -> None:
        text = self._codec.encode(key, query, value, time.time())
        if text is None:
            return  # too long to keep: read from the store every time
        try:
            async with self._conn.calling(CALL_TIMEOUT_S):
                await self._conn.client.set(key, text, px=max(1, round(self.ttl_s * 1000)))
        except StoreUnavailable as exc:
            counts.fail(self.region, exc.reason)

    async def _flush(self) -> None:
        """Add this station's reads and hits since the last time to the region's figures (a
        figure for people: what a failure here loses is not sent again)."""
        reads = hits = 0
        for counts in self.counts.values():
            more_reads, more_hits = counts.take_unsent()
            reads, hits = reads + more_reads, hits + more_hits
        if reads:
            await self._conn.client.hincrby(self.keys.stats, "reads", reads)
            await self._conn.client.hincrby(self.keys.stats, "hits", hits)

    async def region_figures(self) -> tuple[int, int] | None:
        """(reads, hits) of every station of the region since the figures began; None for junk
        in their place. StoreUnavailable if Redis does not answer."""
        async with self._conn.calling():
            reads, hits = await self._conn.client.hmget(self.keys.stats, ["reads", "hits"])
        figures = [int(v) if isinstance(v, str) and v.isdigit() else None for v in (reads, hits)]
        if figures[0] is None or figures[1] is None or figures[1] > figures[0]:
            return (0, 0) if reads is None and hits is None else None
        return figures[0], figures[1]

    def health(self, *scopes: str) -> CacheHealth:
        """How the cache serves the reads of `scopes` (those of one store) at this station."""
        counts = [self.counts[scope] for scope in scopes]
        in_use = all(self.view.current(scope) is not None for scope in scopes)
        notes = [] if in_use else [self.follower.problem or "catching up"]
        notes += [f"{c.refused} entries refused (the last: {c.last_refusal})"
                  for c in counts if c.refused]
        notes += [f"{c.failed} calls failed (the last: {c.last_failure})"
                  for c in counts if c.failed]
        if self.follower.refused:
            notes.append(f"{self.follower.refused} invalidation messages refused")
        return CacheHealth(in_use, sum(c.reads for c in counts), sum(c.hits for c in counts),
                           self.ttl_s, "; ".join(notes))

    async def close(self) -> None:
        await self.follower.stop()
        await self._conn.aclose()


_MISSING = object()  # nothing usable in the cache
