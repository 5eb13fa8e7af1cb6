"""Whether the alarm bus can deliver to this station: its health, asked with a short limit, and
the channel problems it knows of (a dropped subscriber, a channel its ACL refuses), which a bus
that still answers calls would otherwise keep quiet.

The limit counts the time the station's own loop gave the bus's answer, not the wall clock: a
loop busy building a window or painting a long frame cannot take an answer that has arrived,
and that is not a lost channel (a HIGH alarm no nurse could act on)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine

from stores.alerts import AlertBus
from stores.model import HealthState, StoreHealth

CHANNEL_ANSWER_S = 3.0
STEP_S = 0.25
# A step that took longer than this was a loop stall: it counts as this much and no more.
MOST_COUNTED_PER_STEP_S = 2 * STEP_S


class ChannelWatch:
    def __init__(self, bus: AlertBus, region: str,
                 spawn: Callable[[Coroutine], asyncio.Task],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._bus, self._region, self._spawn, self._clock = bus, region, spawn, clock
        self._health_check: asyncio.Task[StoreHealth] | None = None

    async def down_reason(self) -> str | None:
        """Why the channel is down, or None while it works."""
        # asyncio.wait, not asyncio.timeout: cancelling through a timeout while the feed is
        # stopped has left qasync's loop without its timers (seen with real servers); a slow
        # check goes on in its own task, and the next round waits for that one.
        if self._health_check is None or self._health_check.done():
            self._health_check = self._spawn(self._bus.health())
        if not await self._answered(self._health_check):
            return f"the alarm bus gave no answer within {CHANNEL_ANSWER_S:.0f} s"
        try:
            health = self._health_check.result()
        except Exception as exc:  # a health check that fails is itself the answer
            return str(exc) or type(exc).__name__
        if health.state is HealthState.DOWN:
            return health.reason or "the alarm bus is down"
        return self._bus.channel_problem(self._region)

    async def _answered(self, check: asyncio.Task) -> bool:
        """Whether `check` ends within CHANNEL_ANSWER_S of the loop's time."""
        given = 0.0
        while given < CHANNEL_ANSWER_S:
            started = self._clock()
            done, _ = await asyncio.wait({check}, timeout=STEP_S)
            if done:
                return True
            given += min(self._clock() - started, MOST_COUNTED_PER_STEP_S)
        return False
