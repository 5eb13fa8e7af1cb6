"""Ingest, measured: batched vitals writes to a scratch embedded store, once the station stopped.

The embedded store's own capacity, as `simulate --backfill` (a process without a window) uses
it: with the window still drawing, the store's writer thread would share the interpreter's lock
with it and the figure would be the window's as much as the store's. Whatever store the station
ran on, this is the embedded default's figure (the issue's target is for it). The samples are
the simulator's (a few beds' model history, built before the clock starts); only
`VitalsStore.write` is timed, which includes turning samples into rows and the per-minute
rollup every write keeps.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np

from app.bench.common import BenchOptions
from app.config import Config
from app.simulator.history import samples, simulate_history
from app.simulator.physiology import BedPhysiology
from app.startup import open_configured_stores
from stores.model import VitalSample

BATCH_ROWS = 100_000  # large batches: the store's capacity (a backfill writes smaller ones)
BATCHES = 4
BEDS = 4  # each batch is one bed's stretch: rows of one bed are what a backfill writes


def ingest_batches(batches: int = BATCHES, rows: int = BATCH_ROWS,
                   beds: int = BEDS) -> list[list[VitalSample]]:
    """`batches` batches of `rows` consecutive 1 Hz samples, spread over `beds` beds."""
    end = float(int(time.time()))
    made = []
    for index in range(batches):
        bed_id = f"ingest-{index % beds:02d}"
        first = end - (index // beds + 1) * rows
        monitor = BedPhysiology(bed_id, random.Random(index))
        columns = simulate_history(monitor, first, rows, np.random.default_rng(index))
        made.append(samples(bed_id, first, columns))
    return made


async def bench_ingest(folder: Path, options: BenchOptions | None = None,
                       batches: list[list[VitalSample]] | None = None) -> dict:
    """Write `batches` (else BATCHES batches of a quarter of the options' `ingest_rows`) one
    after another into a fresh embedded store in `folder`/ingest; rows a second over the
    writes alone (opening the store is not counted)."""
    if batches is None:
        rows = options.ingest_rows if options is not None else BATCHES * BATCH_ROWS
        batches = ingest_batches(rows=rows // BATCHES)
    stores = await open_configured_stores(Config(data_dir=folder / "ingest"))  # all embedded
    try:
        started = time.perf_counter()
        for batch in batches:
            await stores.vitals.write(batch)
        seconds = time.perf_counter() - started
    finally:
        await stores.close()
    rows = sum(len(batch) for batch in batches)
    return {"ingest_rows": rows, "ingest_batch_rows": max(map(len, batches), default=0),
            "ingest_s": round(seconds, 3),
            "ingest_rows_per_s": round(rows / seconds) if seconds > 0 else None}
