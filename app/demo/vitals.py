"""The demo's recent past: ten minutes of vitals for every occupied bed, so charts and trend lines
have a history from the first start."""

from __future__ import annotations

import math
from collections.abc import Iterable

from app.simulator.ward import SimulatedWard
from stores import Stores
from stores.model import Bed, Patient

RECENT_SECONDS = 600
BATCH_SECONDS = 60


async def seed_recent_vitals(stores: Stores, beds: Iterable[Bed], patients: Iterable[Patient],
                             now: float, seed: int) -> int:
    """Write RECENT_SECONDS of 1 Hz vitals, the last a second before `now`, with the
    simulator's own model (same seed as the live simulator, so each patient keeps their
    baseline). Returns the count. On whole seconds, as `simulate --backfill` writes: a backfill
    replaces these rows instead of interleaving a second series with them."""
    by_ward: dict[str, list[Bed]] = {}
    for bed in beds:
        by_ward.setdefault(bed.ward, []).append(bed)
    patients = list(patients)
    written = 0
    start = math.floor(now) - RECENT_SECONDS
    for ward_beds in by_ward.values():
        ward = SimulatedWard(ward_beds, lambda: start, seed)
        ward.set_patients(patients)
        for batch_start in range(0, RECENT_SECONDS, BATCH_SECONDS):
            samples = [sample for second in range(batch_start, batch_start + BATCH_SECONDS)
                       for sample in ward.step(start + second)]
            await stores.vitals.write(samples)
            written += len(samples)
    return written
