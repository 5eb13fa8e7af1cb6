"""`ward-station lab drill station-link [--store STORE]`: the station's link to one store cut
while it writes there, then restored; nothing the station wrote may be lost.

The drill runs a station of its own on the lab (its stores through the same links as a station
window's, its outbox in LAB/drill/station-link) writing to the store ten times a second. It cuts
the store's link (`lab cut link-STORE`: the server runs on), holds it cut HOLD_S after the
station saw the store down, restores it, and waits until the store answers and the outbox is
empty. Then every write it made is read back from the store: counted against its own record,
never against what the store or the outbox report. Times are seconds from the cut, as the
redis-master drill's are from its kill. Its steps and counters go to LAB/drill/events.jsonl
(through `drill_report`), so a station window on the lab shows the drill as it runs.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from typing import Any

from app.lab import control
from app.lab.drills.run import DrillRun, since
from app.lab.drills.station_link_writes import DrillWrites, drill_writes
from app.lab.drills.station_link_watch import StoreWatch
from app.lab.links import CUT, link_state
from app.lab.links import KIND as LINK
from app.lab.node import LabNode
from app.lab.state import CONFIG, Lab, LabError
from stores.errors import StoreError

DRILL = "station-link"
STORES = ("vitals", "patients", "network")  # those a lab links, the default first
RATE_S = 0.1  # ten writes a second
BEFORE = 10  # writes made before the cut
HOLD_S = 5.0  # cut this long once the station saw the store down
DETECT_LIMIT_S = 30.0
WHOLE_LIMIT_S = 20.0  # for the store to answer with an empty outbox before the cut
SETTLE_LIMIT_S = 60.0

LABELS = {
    "store": "the store whose link was cut",
    "link": "the lab's link to it",
    "detect_s": "the station saw the store down, s after the cut",
    "restored_s": "the link restored, s after the cut",
    "station_resumed_s": "the store answered the station again, s after the cut",
    "drained_s": "the outbox empty again, s after the cut",
    "writes_made": "writes the station made",
    "writes_found": "of them, read back from the store",
    "writes_missing": "of them, not in the store",
    "writes_failed": "refused to the station at once (the outbox full, or bad data)",
    "writes_queued": "writes kept in the outbox while the link was cut",
    "writes_delivered": "of them, delivered",
    "writes_refused": "of them, refused by the store on delivery",
    "writes_lost": "of them, lost",
}


def link_of(lab: Lab, store: str | None) -> LabNode:
    """The lab's link to `store` (None: the first it has of STORES); LabError naming those it
    has."""
    links = sorted((node for node in lab.nodes if node.kind == LINK),
                   key=lambda node: STORES.index(node.store) if node.store in STORES else 9)
    found = next((n for n in links if store in (None, n.store)), None)
    if found is None:
        have = ", ".join(n.store for n in links) or "none (a lab from before links: up again)"
        raise LabError(f"the lab has no link to {store or 'any store'} to cut (links: {have}); "
                       "Redis and Cassandra, and a MongoDB replica set, are reached at their "
                       "servers' own addresses")
    return found


@dataclasses.dataclass
class Record:
    """What the drill made, and what the outbox told of it."""

    keys: list[str] = dataclasses.field(default_factory=list)
    failed: int = 0
    outbox: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)

    def counters(self) -> dict[str, int]:
        return {"writes_made": len(self.keys), "writes_failed": self.failed,
                "writes_queued": self.outbox["queued"],
                "writes_delivered": self.outbox["delivered"],
                "writes_refused": self.outbox["refused"]}


def ready(lab: Lab) -> None:
    """Refuses, before anything is touched, a lab without a link to cut."""
    link_of(lab, None)


async def run(drill: DrillRun) -> dict[str, Any]:
    """Run the drill (`drill.store`: the store whose link is cut); its figures (LABELS' keys)."""
    link = link_of(drill.lab, drill.store)
    stores = await drill.open_stores(DRILL)
    record, target, started = Record(), getattr(stores, link.store), time.time()
    courier = getattr(target, "courier", None)
    if courier is not None:  # this run's writes: not what an earlier run left in the outbox
        courier.listen(lambda event, write: record.outbox.update(
            [event] if write.queued_at >= started else []))
    drill.counting(record.counters)
    writes = drill_writes(link.store, stores, drill.run_id, drill.config.region)
    cutting = _Drill(drill, link, record, StoreWatch(target))
    try:
        return await cutting.run(writes)
    finally:
        await cutting.leave_as_found()


class _Drill:
    def __init__(self, drill: DrillRun, link: LabNode, record: Record,
                 watch: StoreWatch) -> None:
        self.lab, self.link, self.step = drill.lab, link, drill.step
        self._until = drill.until  # the drills' one wait
        self.record, self.watch = record, watch
        self.times: dict[str, float | None] = {}
        self._tasks: list[asyncio.Task] = []
        self._writing = True

    async def run(self, writes: DrillWrites) -> dict[str, Any]:
        store = self.link.store
        self.step(f"the station writes to the {store} store ten times a second through "
                  f"{self.link.name}; the link is cut, held {HOLD_S:.0f} s once the station "
                  "sees the store down, and restored")
        self._tasks = [asyncio.ensure_future(self._write(writes)), self.watch.start()]
        await self._whole_before(time.monotonic())
        cut = await self._cut()
        await self._see_down(cut)
        await asyncio.sleep(HOLD_S)
        await self._restore(cut)
        await self._settle(cut)
        self._writing = False  # the last write finished, not cut short: it is in the record
        await self._tasks[0]
        stopped = time.monotonic()
        await self._until(lambda: self.watch.first_drained(stopped), SETTLE_LIMIT_S)
        await self._stop_tasks()
        keys = list(self.record.keys)
        found = await writes.found(keys)
        await writes.tidy(keys)
        return self.figures(store, len(found))

    async def _whole_before(self, started: float) -> None:
        """BEFORE writes made, and the store whole: else the drill would show nothing."""
        whole = await self._until(lambda: len(self.record.keys) >= BEFORE
                                  and self.watch.first_drained(started), WHOLE_LIMIT_S)
        if not whole:
            said = self.watch.looks[-1].reason if self.watch.looks else "no answer"
            raise LabError(f"the {self.link.store} store is not whole before the cut ({said}): "
                           f"`ward-station check --init --config {self.lab.folder / CONFIG}`")

    async def _cut(self) -> float:
        cut = time.monotonic()
        await asyncio.to_thread(control.cut, self.lab, self.link.name, self.step)
        return cut

    async def _see_down(self, cut: float) -> None:
        seen = await self._until(lambda: self.watch.first_down(cut), DETECT_LIMIT_S)
        self.times["detect_s"] = since(self.watch.first_down(cut), cut)
        if not seen:
            self.step(f"the station did not see the {self.link.store} store down within "
                      f"{DETECT_LIMIT_S:.0f} s")
            return
        self.step(f"the station sees the {self.link.store} store down "
                  f"({self.times['detect_s']} s after the cut); its writes wait in the outbox")

    async def _restore(self, cut: float) -> None:
        await asyncio.to_thread(control.restore, self.lab, self.link.name, self.step)
        self.times["restored_s"] = round(time.monotonic() - cut, 2)

    async def _settle(self, cut: float) -> None:
        restored = cut + (self.times["restored_s"] or 0.0)
        if await self._until(lambda: self.watch.first_up(restored), SETTLE_LIMIT_S):
            self.times["station_resumed_s"] = since(self.watch.first_up(restored), cut)
            self.step(f"the {self.link.store} store answers the station again")
        if await self._until(lambda: self.watch.first_drained(restored), SETTLE_LIMIT_S):
            self.times["drained_s"] = since(self.watch.first_drained(restored), cut)
            self.step(f"the outbox is empty: {self.record.outbox['delivered']} queued write(s) "
                      "delivered")

    def figures(self, store: str, found: int) -> dict[str, Any]:
        made, counts = len(self.record.keys), self.record.counters()
        return {"store": store, "link": self.link.name,
                **{key: self.times.get(key) for key in
                   ("detect_s", "restored_s", "station_resumed_s", "drained_s")},
                **counts, "writes_found": found, "writes_missing": made - found,
                "writes_lost": counts["writes_queued"] - counts["writes_delivered"]
                - counts["writes_refused"]}

    async def _write(self, writes: DrillWrites) -> None:
        while self._writing:
            try:
                self.record.keys.append(await writes.write(len(self.record.keys)))
            except StoreError:
                self.record.failed += 1
            await asyncio.sleep(RATE_S)

    async def _stop_tasks(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def leave_as_found(self) -> None:
        """Whatever happened, the tasks stopped and the link relaying again."""
        await self._stop_tasks()
        if self.link.state(self.lab.folder) == "running" and link_state(self.link) == CUT:
            await asyncio.to_thread(control.restore, self.lab, self.link.name, self.step)


def verdict(found: dict[str, Any]) -> str:
    """"nothing lost", or exactly what was lost; worked out from the records, not assumed."""
    if found["detect_s"] is None:
        return ("NOT CUT: the station never saw the store down, so the drill shows nothing "
                "(`ward-station lab status` shows the link)")
    lost = [f"{found[key]} {what}" for key, what in (
        ("writes_missing", "write(s) the station made are not in the store"),
        ("writes_lost", "write(s) queued in the outbox never delivered"),
        ("writes_refused", "write(s) refused by the store on delivery (Pending writes)"),
        ("writes_failed", "write(s) refused to the station at once")) if found[key]]
    if found["drained_s"] is None:
        lost.append(f"the outbox did not empty within {SETTLE_LIMIT_S:.0f} s")
    return ("LOST: " + "; ".join(lost)) if lost else "nothing lost"
