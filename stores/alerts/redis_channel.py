"""Following a region's Redis pub/sub channel: joining it (once the server confirms, every
publish arrives), handing on its messages, pinging it while quiet so that a link gone silent is
noticed within about two seconds, and stopping the task that follows it. The alarm bus's region
readers (`stores.alerts.redis_feed`) and the cache's followers (`stores.cache.follower`) both
follow their channel this way; the bus's listener to a Sentinel's events
(`stores.alerts.redis_sentinel_listener`) follows its several channels so."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from stores.alerts.redis_conn import Connection

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

# waits between reconnects while the server stays away: from 0.1 s, growing to 1 s, jittered
# (a lost alarm channel must come back within about a second of the server)
RETRY_S, RETRY_CAP_S = 0.1, 1.0
# A quiet channel is pinged, and a ping unanswered for a second means the link is gone: a
# station must notice a lost alarm channel within about two seconds even without traffic.
IDLE_PING_S = 1.0
PONG_WAIT_S = 1.0
POLL_S = 0.25  # how often a quiet channel's follower looks up from waiting


@contextlib.asynccontextmanager
async def joined(conn: Connection, channel: str) -> AsyncIterator[PubSub]:
    """A connection subscribed to `channel`, the server having confirmed it; closed after.
    StoreUnavailable if the server does not answer."""
    pubsub = conn.client.pubsub()
    try:
        async with conn.calling():
            await pubsub.subscribe(channel)
            await confirmed(pubsub)
        yield pubsub
    finally:
        with contextlib.suppress(Exception):
            await pubsub.aclose()


async def confirmed(pubsub: PubSub) -> None:
    """Wait for the server to confirm the SUBSCRIBE: from then on every publish arrives."""
    while True:
        message = await pubsub.get_message(timeout=1.0)
        if message is not None and message["type"] == "subscribe":
            return


async def listen(pubsub: PubSub, on_message: Callable[[object], Awaitable[None]],
                 going_on: Callable[[], bool], quiet_every_s: float,
                 on_quiet: Callable[[], Awaitable[None]]) -> None:
    """While `going_on()`: each published message's data to `on_message`, and `on_quiet()` at
    most every `quiet_every_s` while none comes. A channel quiet for IDLE_PING_S is pinged;
    TimeoutError when the ping goes unanswered for PONG_WAIT_S (the link is gone)."""

    async def data_only(channel: object, data: object) -> None:
        await on_message(data)

    await listen_to_channels(pubsub, data_only, going_on, quiet_every_s, on_quiet)


async def listen_to_channels(pubsub: PubSub,
                             on_message: Callable[[object, object], Awaitable[None]],
                             going_on: Callable[[], bool], quiet_every_s: float,
                             on_quiet: Callable[[], Awaitable[None]]) -> None:
    """`listen`, for a connection subscribed to several channels: `on_message(channel,
    data)`."""
    loop = asyncio.get_running_loop()
    heard, pinged, quiet_at = loop.time(), False, loop.time()
    while going_on():
        message = await pubsub.get_message(timeout=POLL_S)
        if message is not None:
            heard, pinged = loop.time(), False
            if message["type"] == "message":
                await on_message(message["channel"], message["data"])
            continue
        quiet = loop.time() - heard
        if pinged and quiet > IDLE_PING_S + PONG_WAIT_S:
            raise TimeoutError("the channel did not answer a ping")
        if not pinged and quiet >= IDLE_PING_S:
            await pubsub.ping()
            pinged = True
        if loop.time() - quiet_at >= quiet_every_s:
            quiet_at = loop.time()
            await on_quiet()


async def stop_task(task: asyncio.Task[None]) -> None:
    """Cancel a follower's task and wait until it has ended."""
    while not task.done():
        # again and again: a cancellation that lands as the driver's read timeout expires
        # is taken for that timeout on Python 3.11 (the follower's flag then ends its loop)
        task.cancel()
        await asyncio.wait([task], timeout=0.2)
