"""The bedside simulator feeding the lab's ward during a drill, at the station's own rate
(every occupied bed's vitals each second, ECG and pleth every 250 ms, the rollups), into the
drill's stores, with a record of every vital sample the vitals store took, by bed.

Its alarms are kept, not published: a station open on the lab feeds the same ward from its own
simulator, and a second alarm engine would raise every alarm twice on its banner. The alarm
drill publishes alarms of its own, counted one by one (`app/lab/drills/parts.py`).
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Sequence
from typing import Any

from app.demo.seed import DEMO_SIMULATOR_SEED
from app.lab.drills.ledger import WriteLedger
from app.lab.drills.run import DrillRun
from app.simulator.runner import BedsideSimulator
from stores import Stores
from stores.model import Alarm, VitalSample

VITALS_WRITE = "vitals.write"


def batch_key(samples: Sequence[VitalSample]) -> str:
    """One write of samples, known by its first sample and its size."""
    return f"{samples[0].bed_id}@{round(samples[0].time * 1000)}+{len(samples)}"


def _key_of(op: str, args: object) -> str | None:
    samples = args.get("samples") if op == VITALS_WRITE and isinstance(args, dict) else None
    return batch_key(samples) if samples else None


class WardFeed:
    """`start()` feeds the lab's ward; `taken` holds, per bed, the times (ms) of the samples
    the vitals store took (at once or into its outbox)."""

    def __init__(self, drill: DrillRun, stores: Stores) -> None:
        self.ledger = WriteLedger("vitals", _key_of)
        self.ledger.listen(stores.vitals)
        self.taken: dict[str, set[int]] = collections.defaultdict(set)
        self.batches: dict[str, list[tuple[str, int]]] = {}  # each write's (bed, ms) samples
        self.alarms_kept = 0
        quiet = dataclasses.replace(stores, vitals=_Recorded(stores.vitals, self),
                                    alerts=_Kept(stores.alerts, self))
        config = drill.config
        self.ward = config.ward
        self._simulator = BedsideSimulator(quiet, [config.ward], rng_seed=DEMO_SIMULATOR_SEED,
                                           ward_limits=config.limits_for)
        drill.counting(self.figures)

    @property
    def beds(self) -> int:
        return sum(len(ward.beds) for ward in self._simulator.wards.values())

    @property
    def samples_taken(self) -> int:
        return sum(len(times) for times in self.taken.values())

    async def start(self) -> None:
        await self._simulator.start()

    async def stop(self) -> None:
        if self._simulator.running:
            await self._simulator.stop()

    def figures(self) -> dict[str, int]:
        return {"samples_written": self.samples_taken, **self.ledger.figures()}


class _Recorded:
    """The vitals store, recording what each write handed over once the store took it."""

    def __init__(self, inner: Any, feed: WardFeed) -> None:
        self._inner, self._feed = inner, feed

    async def write(self, samples: Sequence[VitalSample]) -> None:
        samples = list(samples)
        if not samples:
            return
        # a write the store refuses raises again: the simulator keeps the batch and writes it
        # with its next one
        key = batch_key(samples)
        await self._feed.ledger.write(key, lambda: self._inner.write(samples), raising=True)
        self._feed.batches[key] = [(s.bed_id, round(s.time * 1000)) for s in samples]
        for bed, at in self._feed.batches[key]:
            self._feed.taken[bed].add(at)

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


class _Kept:
    """The alarm bus, with the simulator's alarms kept here rather than published."""

    def __init__(self, inner: object, feed: WardFeed) -> None:
        self._inner, self._feed = inner, feed

    async def publish(self, alarm: Alarm) -> None:
        self._feed.alarms_kept += 1

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)
