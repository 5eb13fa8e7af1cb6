"""Following the region's invalidation channel: every station hears each new generation.

On joining the channel (at start and after every reconnect) a station may have missed
generations, so it makes a new one of every scope itself (above the newest it or the server
knows of) and announces it: no entry read before that is read again anywhere. While it does not
follow the channel its view is dropped and every read goes to the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from stores.alerts import redis_channel as channel
from stores.alerts.redis_conn import Connection
from stores.alerts.signing import Signer
from stores.backoff import backoff_s
from stores.cache.keys import MAX_GENERATION, SCOPES, CacheKeys
from stores.cache.view import GenerationView
from stores.errors import StoreUnavailable

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
FLUSH_EVERY_S = 5.0  # how often this station's reads and hits are added to the region's
GENERATION = "cache generation"  # what a generation's signature says it is


def generation_message(signer: Signer, scope: str, generation: int) -> str:
    return json.dumps(signer.sign({"scope": scope, "gen": generation}, GENERATION))


def read_message(signer: Signer, text: object) -> tuple[str, int]:
    """(scope, generation) of a message; ValueError if it is not one signed by the region."""
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
        raise ValueError("a cache message that is no text of a bounded length")
    record = signer.verified(json.loads(text), GENERATION, "cache message")
    if not isinstance(record, dict) or set(record) != {"scope", "gen"}:
        raise ValueError("a cache message of another shape")
    scope, generation = record["scope"], record["gen"]
    if scope not in SCOPES or type(generation) is not int \
            or not 0 < generation < MAX_GENERATION:
        raise ValueError("a cache message naming no scope or generation")
    return scope, generation


class Follower:
    """Keeps a station's view in step with the channel; reconnects while the server is away."""

    def __init__(self, conn: Connection, keys: CacheKeys, view: GenerationView, signer: Signer,
                 bump: Callable[[str], Awaitable[int]], flush: Callable[[], Awaitable[None]]):
        self._conn, self._keys, self._view, self._signer = conn, keys, view, signer
        self._bump, self._flush = bump, flush
        self.problem: str | None = "not following the channel yet"
        self.refused = 0  # messages refused (unsigned, forged, junk)
        self._broken: str | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def started(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"cache invalidations of {self._keys.region}")

    def broken(self, reason: str) -> None:
        """A call on another connection failed: drop the view and join the channel again."""
        self._view.drop()
        self._broken = reason

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure means: drop, reconnect
                self._view.drop()
                reason = (exc if isinstance(exc, StoreUnavailable) else
                          self._conn.store_error(exc)).reason
                if self.problem is None:  # it was following: a new outage
                    failures = 0
                if failures == 0:
                    log.warning("cache of region %s not in use: %s; reconnecting",
                                self._keys.region, reason)
                self.problem = reason
            await asyncio.sleep(backoff_s(failures, channel.RETRY_S, channel.RETRY_CAP_S))
            failures += 1

    async def _follow(self) -> None:
        async with channel.joined(self._conn, self._keys.channel) as pubsub:
            self._broken = None
            async with self._conn.calling():
                for scope in SCOPES:  # after joining: a newer generation is heard, not missed
                    self._view.adopt(scope, await self._bump(scope))
            self.problem = None
            await self._listen(pubsub)
        raise StoreUnavailable(self._broken or "stopped following")

    async def _listen(self, pubsub: PubSub) -> None:
        async def take(data: object) -> None:
            self._take(data)

        async def flush() -> None:
            async with self._conn.calling(channel.PONG_WAIT_S):
                await self._flush()

        await channel.listen(pubsub, take, lambda: self._broken is None, FLUSH_EVERY_S, flush)

    def _take(self, data: object) -> None:
        try:
            scope, generation = read_message(self._signer, data)
        except (ValueError, RecursionError) as exc:
            self.refused += 1
            log.info("cache of region %s: refused a message (%s)", self._keys.region, exc)
            return
        self._view.heard(scope, generation)

    async def stop(self) -> None:
        if self._task is not None:
            await channel.stop_task(self._task)
