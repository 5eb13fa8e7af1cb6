"""The demo's recent past: ten minutes of vitals for every occupied bed, so charts and trend lines
have a history from the first start."""

from __future__ import annotations

import math
from collections.abc import Iterable

from app.simulator.backfill import backfill_bed
from stores import Stores
from stores.model import Bed, Patient, VitalSample

RECENT_SECONDS = 600


async def seed_recent_vitals(stores: Stores, beds: Iterable[Bed], patients: Iterable[Patient],
                             now: float, seed: int) -> int:
    """Write RECENT_SECONDS of 1 Hz vitals for every bed of `beds` with a patient, the last a
    second before `now`, as `simulate --backfill` writes them (the simulator's numpy model of
    each monitor, with the live simulator's seed, so each patient keeps their baseline: a
    second-by-second run of the live model took 8 s of the demo's 8.5 s first start). Returns
    the count. On whole seconds: a backfill replaces these rows instead of interleaving a second
    series with them."""
    bed_ids = {bed.id for bed in beds}
    start = float(math.floor(now) - RECENT_SECONDS)
    rows: list[VitalSample] = []

    async def keep(samples: list[VitalSample]) -> None:
        rows.extend(samples)

    for patient in sorted((p for p in patients if p.bed_id in bed_ids), key=lambda p: p.bed_id):
        await backfill_bed(keep, patient, start, RECENT_SECONDS, seed)
    await stores.vitals.write(rows)
    return len(rows)
