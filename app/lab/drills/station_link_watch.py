"""The station-link drill's watch on the store whose link it cuts: the store's health as the
drill's station sees it, asked every EVERY_S (a check with no answer within CHECK_S counts as
down), with the writes waiting in its outbox, each look with the time it was answered."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from stores.model import HealthState
from stores.store import Store

EVERY_S = 0.2
CHECK_S = 2.0


@dataclass(frozen=True)
class Look:
    at: float  # monotonic
    state: HealthState
    waiting: int  # writes in the outbox
    reason: str = ""  # what the store said when not up


class StoreWatch:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.looks: list[Look] = []

    def start(self) -> asyncio.Task:
        return asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        courier = getattr(self._store, "courier", None)
        while True:
            state, reason = await self._state()
            waiting = (await courier.counts())[0] if courier is not None else 0
            self.looks.append(Look(time.monotonic(), state, waiting, reason))
            await asyncio.sleep(EVERY_S)

    async def _state(self) -> tuple[HealthState, str]:
        try:
            async with asyncio.timeout(CHECK_S):
                health = await self._store.health()
        except Exception as exc:  # noqa: BLE001 - a check that fails is the answer: down
            return HealthState.DOWN, f"no health check answer ({type(exc).__name__})"
        return health.state, health.reason

    def first_down(self, after: float) -> float | None:
        return self._first(after, lambda look: look.state is HealthState.DOWN)

    def first_up(self, after: float) -> float | None:
        """The store answered again (degraded while writes wait in the outbox)."""
        return self._first(after, lambda look: look.state is not HealthState.DOWN)

    def first_drained(self, after: float) -> float | None:
        """The store answered and nothing waited in the outbox."""
        return self._first(after, lambda look: look.state is not HealthState.DOWN
                           and look.waiting == 0)

    def _first(self, after: float, wanted) -> float | None:
        return next((look.at for look in self.looks if look.at >= after and wanted(look)),
                    None)
