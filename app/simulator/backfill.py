"""`simulate --backfill 7d`: past 1 Hz vitals for every occupied bed of the simulated wards.

Each bed's past comes from its live monitor's own model and seed (same baseline, episodes and
cuff cycle; `app.simulator.history`), on whole seconds ending at now, so a rerun rewrites the
same (bed, time) rows instead of adding to them. Written in large batches; no waveforms (a week
of 250 Hz is not something anyone scrolls through), no alarms or rollups.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

from app.memory import give_back
from app.simulator.history import history_blocks, samples
from app.simulator.physiology import DEFAULT_EPISODES_PER_HOUR, BedPhysiology
from stores import Stores
from stores.model import Patient

log = logging.getLogger(__name__)

# Samples per write call. Each is a Python object until the store has it (some 500 bytes with
# its row): the station keeps much of what a batch's objects took, and 100 000 a batch was no
# faster to write.
BATCH_ROWS = 20_000
MAX_BACKFILL_S = 31 * 86400  # what the vitals store serves (TREND_LIMIT_S)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


def parse_duration(text: str) -> int:
    """'7d', '24h', '90m', '45s', '2w' as whole seconds; ValueError with a message otherwise."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"'{text}' is not a duration like 7d, 24h or 90m")
    seconds = math.floor(float(match[1]) * _UNITS[match[2]])
    if not 1 <= seconds <= MAX_BACKFILL_S:
        raise ValueError(f"'{text}' must be between 1s and {MAX_BACKFILL_S // 86400}d")
    return seconds


@dataclass
class BackfillResult:
    beds: int = 0
    rows: int = 0
    seconds: float = 0.0  # wall time taken

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


async def backfill_wards(stores: Stores, ward_ids: list[str], seconds: int, *, seed: int,
                         now: float | None = None,
                         episodes_per_hour: float = DEFAULT_EPISODES_PER_HOUR,
                         progress: Callable[[BackfillResult], None] | None = None
                         ) -> BackfillResult:
    """Write `seconds` of 1 Hz vitals, the last at whole second `now`, for every bed of
    `ward_ids` that has a patient, with the patient's monitor as `seed` makes it in
    `SimulatedWard` (the live simulator with that seed carries on from the same baseline)."""
    end = math.floor(time.time() if now is None else now)
    first = float(end - seconds + 1)
    result, started = BackfillResult(), time.perf_counter()
    writer = _Writer(stores)
    for ward_id in ward_ids:
        beds = await stores.patients.beds(ward_id)
        if not beds:
            continue
        patients = await stores.patients.search(beds[0].region, ward_id)
        for patient in sorted((p for p in patients if p.bed_id), key=lambda p: p.bed_id):
            result.rows += await backfill_bed(writer.write, patient, first, seconds, seed,
                                               episodes_per_hour)
            result.beds += 1
            result.seconds = time.perf_counter() - started
            if progress is not None:
                progress(result)
    await writer.drain()
    result.seconds = time.perf_counter() - started
    return result


class _Writer:
    """Writes batches one at a time, returning as soon as a batch is handed over: the next
    batch is built while the store's writer thread inserts this one (roughly twice as fast)."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores
        self._pending: asyncio.Task | None = None

    async def write(self, batch: list) -> None:
        await self.drain()
        self._pending = asyncio.ensure_future(self._stores.vitals.write(batch))

    async def drain(self) -> None:
        """Wait for the batch being written; raises what its write raised."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending


async def backfill_bed(write: Callable[[list], Awaitable[None]], patient: Patient, first: float,
                       seconds: int, seed: int,
                       episodes_per_hour: float = DEFAULT_EPISODES_PER_HOUR) -> int:
    """Hand `write` the patient's bed's `seconds` of 1 Hz vitals from `first`, in batches;
    returns the rows written."""
    bed_id = patient.bed_id
    # The same generator as `SimulatedWard._monitor`: the same baseline as the live monitor.
    monitor = BedPhysiology(bed_id, random.Random(f"{seed}:{bed_id}:{patient.id}"),
                            episodes_per_hour=episodes_per_hour)
    gen = np.random.default_rng(monitor.rng.getrandbits(64) ^ int(first))
    # A batch's worth of the past at a time: a week at once held 150 MB of arrays.
    for lo, columns in history_blocks(monitor, first, seconds, gen, BATCH_ROWS):
        await write(samples(bed_id, first + lo, columns))
    await asyncio.to_thread(give_back)  # the batches' memory, freed, back to the system
    return seconds
