"""What every drill shares: the lab and its station config, the events file a station window
reads (a step for each action and each thing seen, the counters about once a second), stores of
the drill's own, the fault and the restore, and waiting while the work goes on."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import time
from collections.abc import Callable
from typing import Any

from app.config import load_config
from app.lab import control
from app.lab.drills.events import DrillLog
from app.lab.node import LabNode
from app.lab.state import CONFIG, Lab, LabError
from stores import Stores, open_stores

Say = Callable[[str], None]
Figures = dict[str, Any]
COUNTERS_S = 1.0  # how often the window's counters are brought up to date
POLL_S = 0.1
_FAULTS = {"kill": control.kill, "stop": control.stop, "freeze": control.freeze}


class DrillRun:
    """One run of a drill on `lab`: `fault` is what it does to the node ("kill", "stop",
    "freeze", "stepdown"); times are `time.monotonic()` and figures count from the fault."""

    def __init__(self, lab: Lab, name: str, fault: str, say: Say, log: DrillLog,
                 store: str | None = None) -> None:
        self.lab, self.name, self.fault_kind = lab, name, fault
        self.store = store  # `--store`, for a drill that takes one (station-link)
        self.config = load_config(lab.folder / CONFIG, environ={})
        refusal = self.config.simulator_refusal()
        if refusal is not None:
            raise LabError(refusal)
        self.work = lab.folder / "drill"
        self.log = log
        self._say = say
        self._counters: list[Callable[[], Figures]] = []
        self._stores: list[Stores] = []
        self.answered_at: float | None = None  # the restored node answered its protocol again
        self._broken: list[LabNode] = []  # faulted and not restored yet

    @property
    def run_id(self) -> str:
        return self.log.run

    def step(self, text: str) -> None:
        """Something the drill did or saw: said, and told to the window."""
        self._say(text)
        self.log.event("step", text)

    def counting(self, figures: Callable[[], Figures]) -> None:
        """Add `figures()` (the running counts of one record) to the counters."""
        self._counters.append(figures)

    def counters(self) -> Figures:
        merged: Figures = {}
        for figures in self._counters:
            merged.update(figures())
        return merged

    async def report_counters(self) -> None:
        """Tell the window the counts so far, every COUNTERS_S, until cancelled."""
        while True:
            await asyncio.sleep(COUNTERS_S)
            said = {key: value for key, value in self.counters().items() if value != ""}
            self.log.event("counters", figures=said)

    async def open_stores(self, name: str, **urls: str) -> Stores:
        """Stores of the drill's own (their outbox in LAB/drill/NAME), on the lab's servers;
        `urls` replaces some of the config's. Closed by `close`."""
        config = self.config.store_config
        stores = await open_stores(dataclasses.replace(
            config, data_dir=self.work / name, urls={**config.urls, **urls}))
        self._stores.append(stores)
        return stores

    async def close(self) -> None:
        await asyncio.gather(*(stores.close() for stores in self._stores),
                             return_exceptions=True)
        self._stores.clear()

    def running(self, kind: str) -> LabNode:
        """The first of the lab's nodes of `kind` that runs; LabError if none does."""
        for node in self.lab.nodes:
            if node.kind == kind and node.state(self.lab.folder) == "running":
                return node
        raise LabError(f"no {kind} of the lab is running (`ward-station lab status`)")

    def node(self, name: str) -> LabNode:
        """The lab's node `name`, which must be running (a drill starts from a whole lab)."""
        node = self.lab.node(name)
        if node.state(self.lab.folder) != "running":
            raise LabError(f"{name} is {node.state(self.lab.folder)}: `ward-station lab "
                           f"restore {name}` first (a drill starts from a whole lab)")
        return node

    async def fault(self, node: LabNode, what: str = "") -> float:
        """Kill, stop or freeze `node` (the run's fault); when it began."""
        act = _FAULTS.get(self.fault_kind)
        if act is None:
            raise LabError(f"{self.name} cannot {self.fault_kind} {node.name}")
        self.step(f"{self.fault_kind} {node.name} ({node.address}:{node.port}){what}")
        self._broken.append(node)
        return await self._act(act, node)

    async def restore(self, node: LabNode) -> float:
        """Continue or start `node` again, waiting (off the loop) until it answers; when the
        restore began."""
        self.step(f"restore {node.name}")
        began = await self._act(control.restore, node)
        self.answered_at = time.monotonic()
        self._broken.remove(node)
        return began

    def undo(self) -> None:
        """Restore what a drill that did not finish left broken (a class goes on with a whole
        lab); what cannot be restored is said, never raised over the drill's own error."""
        for node in self._broken:
            try:
                control.restore(self.lab, node.name, self.step)
            except LabError as exc:
                self.step(f"{node.name} could not be restored: {exc}")
        self._broken.clear()

    async def _act(self, act: Callable[[Lab, str, Say], None], node: LabNode) -> float:
        began, said = time.monotonic(), []
        # off the loop: a clean stop or a JVM's start takes seconds, and the drill's writes,
        # reads and counters go on meanwhile
        await asyncio.to_thread(act, self.lab, node.name, said.append)
        for line in said:
            self.step(line)
        return began

    async def until(self, done: Callable[[], Any], limit_s: float) -> bool:
        """Wait until `done()` (may be async) is true, or `limit_s` passed; whether it was."""
        deadline = time.monotonic() + limit_s
        while True:
            result = done()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return True
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(POLL_S)


def needs(lab: Lab, kind: str, why: str, error: type[Exception] = LabError) -> None:
    """`error(why)` unless the lab has a node of `kind`: a drill's `ready`."""
    if not any(node.kind == kind for node in lab.nodes):
        raise error(why)


def since(at: float | None, start: float | None) -> float | None:
    """Seconds from `start` to `at`, rounded for people; None when either is unknown."""
    return None if at is None or start is None else round(at - start, 2)
