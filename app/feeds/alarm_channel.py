"""Whether the alarm bus can deliver to this station: its health, asked with a short limit, and
the channel problems it knows of (a dropped subscriber, a channel its ACL refuses), which a bus
that still answers calls would otherwise keep quiet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine

from stores.alerts import AlertBus
from stores.model import HealthState, StoreHealth

CHANNEL_ANSWER_S = 1.0


class ChannelWatch:
    def __init__(self, bus: AlertBus, region: str,
                 spawn: Callable[[Coroutine], asyncio.Task]) -> None:
        self._bus, self._region, self._spawn = bus, region, spawn
        self._health_check: asyncio.Task[StoreHealth] | None = None

    async def down_reason(self) -> str | None:
        """Why the channel is down, or None while it works."""
        # asyncio.wait, not asyncio.timeout: cancelling through a timeout while the feed is
        # stopped has left qasync's loop without its timers (seen with real servers); a slow
        # check goes on in its own task, and the next round waits for that one.
        if self._health_check is None or self._health_check.done():
            self._health_check = self._spawn(self._bus.health())
        done, _ = await asyncio.wait({self._health_check}, timeout=CHANNEL_ANSWER_S)
        if not done:
            return f"the alarm bus gave no answer within {CHANNEL_ANSWER_S:.0f} s"
        try:
            health = self._health_check.result()
        except Exception as exc:  # a health check that fails is itself the answer
            return str(exc) or type(exc).__name__
        if health.state is HealthState.DOWN:
            return health.reason or "the alarm bus is down"
        return self._bus.channel_problem(self._region)
