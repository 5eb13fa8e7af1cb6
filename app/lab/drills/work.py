"""The work a drill keeps going while it breaks a node: a write or a read every so often, never
two at once (a slow store slows the drill's writer as it slows a station), stopped between two
calls so that no write is cut short; and whether the writes the outbox kept are all delivered."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from app.lab.drills.feed import WardFeed
from app.lab.drills.ledger import KeyOf, WriteLedger
from app.lab.drills.run import DrillRun, since
from app.lab.drills.watch import HealthWatch, Test


class Paced:
    """`work(n)` for n = 0, 1, 2, ... every `period_s` from `start()` until `stop()`."""

    def __init__(self, period_s: float, work: Callable[[int], Awaitable[object]]) -> None:
        self.calls = 0
        self._period, self._work = period_s, work
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        while not self._stopping.is_set():
            await self._work(self.calls)
            self.calls += 1
            due = max(due + self._period, loop.time())
            try:
                await asyncio.wait_for(self._stopping.wait(), due - loop.time())
            except TimeoutError:
                pass

    async def stop(self) -> None:
        """Stop after the call under way (it is not cut short); raises what ended it early."""
        self._stopping.set()
        if self._task is not None:
            task, self._task = self._task, None
            await task


async def at_work(drill: DrillRun, name: str,
                  key_of: KeyOf) -> tuple[Any, WriteLedger, HealthWatch, WardFeed]:
    """The store `name` of the drill's station, its writes recorded (and counted for the
    window) and its health watched; and the simulator feeding the ward meanwhile."""
    store = getattr(await drill.open_stores("station"), name)
    writes = WriteLedger(name, key_of)
    writes.listen(store)
    drill.counting(writes.figures)  # first: the window's chart draws the store at work first
    feed = WardFeed(drill, await drill.open_stores("simulator"))
    return store, writes, HealthWatch(store, name, drill.step), feed


def drained(writes: WriteLedger) -> bool:
    """Every write the outbox kept has been delivered or refused."""
    return writes.waiting() == 0


# what the times of an outage are called for a class (a drill changes the words it must)
OUTAGE_LABELS = {
    "detect_s": "the station saw it down, s after the fault",
    "restored_s": "restored (continued or started again), s after the fault",
    "answered_s": "the server answered again, s after the restore",
    "recovered_s": "the station saw it answer again, s after the restore",
    "station_resumed_s": "the station's writes landed again (the first made after it saw the "
                         "fault), s after the fault",
    "longest_call_s": "the longest a writer waited for its answer, s",
    "longest_write_s": "the longest a write waited to land, s",
    "outbox_drained_s": "the outbox empty again (its last write delivered), s after the fault",
}


def write_labels(made: str, lost: str,
                 failed: str = "failed at once (the writer was told)") -> dict[str, str]:
    """What the writes' figures are called: `made` of what, `lost` how it was found out."""
    return {"writes_made": made, "writes_queued": "of them, kept in the outbox",
            "writes_delivered": "of those, delivered", "writes_refused": "refused on delivery",
            "writes_failed": failed, "writes_lost": lost, "writes_lost_keys": "lost",
            "unchecked": "not checked"}


def outage(drill: DrillRun, writes: WriteLedger, watch: HealthWatch, fault: float,
           restored: float, down: Test, up: Test) -> dict[str, Any]:
    """The times of an outage from what was recorded: the station's view (`down`, then `up`
    again after the restore), the server's answer, and the writes. The station resumed with
    the first write made after it saw the fault that landed: one made before may land while a
    clean stop is still under way."""
    seen = watch.first(down, fault)
    return {
        "detect_s": since(seen, fault),
        "restored_s": since(restored, fault),
        "answered_s": since(drill.answered_at, restored),
        "recovered_s": since(watch.first(up, restored), restored),
        "station_resumed_s": since(writes.first_taken(seen or fault), fault),
        "longest_call_s": since(writes.longest_call(), 0.0),
        "longest_write_s": since(writes.longest_wait(), 0.0),
        "outbox_drained_s": since(writes.last_delivered(), fault),
    }
