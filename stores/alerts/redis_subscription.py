"""One consumer's subscription to a region of the Redis alarm bus: a queue its reader fills."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from stores.model import Alarm

if TYPE_CHECKING:
    from stores.alerts.redis_feed import RegionReader

Key = tuple[int, int]  # a stream entry id as numbers


class Subscription:
    """One consumer's queue of a region's alarms (the iterator `subscribe()` returns).

    Registered when made: whatever the reader gets after `floor` (the last entry this station
    knows was published before the call) is delivered, even before the first `__anext__`.
    """

    _END = object()

    def __init__(self, reader: RegionReader | None, floor: Key | None) -> None:
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._reader = reader
        self.floor = floor
        self._ended = reader is None  # subscribed to a closed bus: nothing will come
        if reader is not None:
            reader.subscriptions.add(self)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Alarm:
        if self._ended:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is self._END:
            self._ended = True
            raise StopAsyncIteration
        return item

    async def aclose(self) -> None:
        """Stop now; alarms still queued are dropped (the consumer asked to stop)."""
        self._ended = True
        self.end()

    def put(self, key: Key, alarm: Alarm) -> None:
        if self.floor is None or key > self.floor:
            self._queue.put_nowait(alarm)

    def end(self) -> None:
        """Stop after the alarms already queued."""
        if self._reader is not None:
            self._reader.subscriptions.discard(self)
            self._reader = None
            self._queue.put_nowait(self._END)
