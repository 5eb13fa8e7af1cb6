"""One consumer's queue of a region's alarms, shared by every alarm bus: bounded, never silent.

A consumer that stops reading (a stalled window) must not make the station's memory grow without
end; when the queue is full it is emptied and the consumer told, with `AlarmsMissed`, to read the
current alarms again: alarms are states, so a fresh read gives back everything still open.
"""

from __future__ import annotations

import asyncio
import collections

from stores.errors import AlarmsMissed
from stores.model import Alarm

MAX_QUEUED = 5000  # alarm versions: a whole 64-bed ward changing every alarm several times


class AlarmQueue:
    """The iterator `subscribe()` returns. Registered when made: whatever is delivered after
    the call is queued, even before the first `__anext__`."""

    def __init__(self, limit: int | None = None) -> None:
        self._queue: collections.deque[Alarm] = collections.deque()
        self._limit = limit or MAX_QUEUED  # read now: tests lower it
        self._wake = asyncio.Event()
        self._open = True  # still taking alarms
        self._missed: str | None = None

    def __aiter__(self) -> AlarmQueue:
        return self

    async def __anext__(self) -> Alarm:
        while True:
            if self._queue:
                return self._queue.popleft()
            if self._missed is not None:
                raise AlarmsMissed(self._missed)
            if not self._open:
                raise StopAsyncIteration
            self._wake.clear()
            await self._wake.wait()

    def put(self, alarm: Alarm) -> None:
        if not self._open:
            return
        if len(self._queue) >= self._limit:
            self.missed(f"{self._limit} alarm versions waited unread")
            return
        self._queue.append(alarm)
        self._wake.set()

    def missed(self, reason: str) -> None:
        """Drop what is queued and end with `AlarmsMissed(reason)` at the next read."""
        self._queue.clear()
        self._missed = reason
        self._stop_taking()

    def end(self) -> None:
        """Stop after the alarms already queued."""
        self._stop_taking()

    async def aclose(self) -> None:
        """Stop now; alarms still queued are dropped (the consumer asked to stop)."""
        self._queue.clear()
        self._missed = None
        self._stop_taking()

    def _stop_taking(self) -> None:
        if self._open:
            self._open = False
            self._detach()
        self._wake.set()

    def _detach(self) -> None:
        """Leave whatever delivers to this queue."""
