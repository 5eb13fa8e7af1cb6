"""A store's health as the drill's station sees it (its driver's view of the nodes, whether it
answers), asked every quarter second and kept with the time each answer came; each change said
as a step, from the first time it answers whole (before, a driver that has not connected yet
has every node down). A slow answer (a frozen node holds a check until its time-out) never holds up the
next check: several may be under way at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from stores.model import HealthState, StoreHealth
from stores.store import Store

POLL_S = 0.25
IN_FLIGHT = 8  # checks under way at once, at most
Test = Callable[[StoreHealth], bool]


class HealthWatch:
    def __init__(self, store: Store, name: str, say: Callable[[str], None]) -> None:
        self.seen: list[tuple[float, StoreHealth]] = []  # (monotonic, health), as they came
        self._store, self._name, self._say = store, name, say
        self._said: tuple = ()
        self._whole = False  # seen up once: changes are said from then on
        self._checks: set[asyncio.Task] = set()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._watch())

    async def stop(self) -> None:
        tasks = [task for task in (self._task, *self._checks) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _watch(self) -> None:
        while True:
            if len(self._checks) < IN_FLIGHT:
                check = asyncio.ensure_future(self._check())
                self._checks.add(check)
                check.add_done_callback(self._checks.discard)
            await asyncio.sleep(POLL_S)

    async def _check(self) -> None:
        health = await self._store.health()  # never raises: a store says what it can
        self.seen.append((time.monotonic(), health))
        said = (health.state, tuple(node.address for node in health.nodes if not node.up))
        self._whole = self._whole or health.state is HealthState.UP
        if said != self._said and self._whole:  # a change of state or of the nodes down, not of a count
            self._said = said
            self._say(describe(self._name, health))

    def first(self, test: Test, after: float) -> float | None:
        """When the station first saw `test` true at or after `after`."""
        return next((at for at, health in self.seen if at >= after and test(health)), None)


def describe(name: str, health: StoreHealth) -> str:
    """What the station sees of a store, in one line ("analytics degraded: 127.0.0.2 down")."""
    down = [node.address for node in health.nodes if not node.up]
    text = f"the station sees {name} {health.state.value}"
    if down:
        text += f": {', '.join(down)} down"
    elif health.state is not HealthState.UP and health.reason:
        # the outbox's own notes ("12 write(s) waiting") are the drill's counters' business
        reason = "; ".join(part for part in health.reason.split("; ") if "outbox" not in part)
        text += f": {reason[:160]}" if reason else ""
    return text


def is_down(health: StoreHealth) -> bool:
    return health.state is HealthState.DOWN


def answers(health: StoreHealth) -> bool:
    return health.state is not HealthState.DOWN


def node_down(address: str) -> Test:
    """The station's driver has the node at `address` down."""
    return lambda health: any(_at(node.address, address) and not node.up
                              for node in health.nodes)


def node_up(address: str) -> Test:
    return lambda health: any(_at(node.address, address) and node.up for node in health.nodes)


def _at(node: str, address: str) -> bool:
    return node == address or node.startswith(address + ":")
