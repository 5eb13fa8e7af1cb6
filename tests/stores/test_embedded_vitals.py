"""The embedded vitals store beyond the contract: waveform retention, the float32 rows, the
per-minute rollup kept by writes, and the migration that brings an older file's vitals along."""

from __future__ import annotations

import random
import sqlite3

import pytest
import pytest_asyncio

from stores.embedded_db import EmbeddedDb
from stores.embedded_schema import MIGRATIONS
from stores.model import Vital, VitalSample, Waveform, WaveformChunk
from stores.vitals.embedded import EmbeddedVitalsStore
from stores.vitals.embedded_rollup import NAMES

pytestmark = pytest.mark.asyncio
NOW = 1_750_000_000.0


class Clocks:
    def __init__(self) -> None:
        self.wall, self.steady = NOW, 0.0


@pytest_asyncio.fixture
async def opened(tmp_path):
    db = await EmbeddedDb.open(tmp_path / "ward.sqlite3")
    store = EmbeddedVitalsStore(db)
    clocks = Clocks()
    shelf = store.waveform_shelf
    shelf._clock, shelf._monotonic = (lambda: clocks.wall), (lambda: clocks.steady)
    yield store, db, clocks
    await db.close()


def chunk(start: float, bed_id: str = "b1") -> WaveformChunk:
    return WaveformChunk(bed_id, Waveform.ECG_II, start, 250.0, (0.5,) * 63)


async def starts(store, bed_id: str = "b1") -> list[float]:
    found = await store.waveforms([bed_id], since=0.0)
    return [c.start - NOW for c in found.get(bed_id, [])]


async def test_a_write_keeps_the_last_hour_of_waveforms_at_most_once_a_minute(opened):
    store, _, clocks = opened
    await store.write_waveforms([chunk(NOW - 7200), chunk(NOW - 7100, "b2")])
    assert await starts(store) == [-7200]  # an hour is counted back from the newest chunk

    clocks.steady += 30  # within the minute: no delete, however old the rows
    await store.write_waveforms([chunk(NOW), chunk(NOW - 3000, "b2")])
    assert await starts(store) == [-7200, 0]

    clocks.steady += 31
    await store.write_waveforms([chunk(NOW + 0.25)])
    assert await starts(store) == [0, 0.25]
    assert await starts(store, "b2") == [-3000]  # every bed's old rows go, not only the writer's


async def test_a_chunk_from_a_clock_in_the_future_does_not_wipe_the_present(opened):
    store, _, clocks = opened
    await store.write_waveforms([chunk(NOW - 600)])
    clocks.steady += 61

    await store.write_waveforms([chunk(NOW + 86400)])

    assert await starts(store) == [-600, 86400]


async def test_values_are_kept_as_four_bytes_a_sample(opened):
    store, db, _ = opened
    await store.write_waveforms([chunk(NOW)])

    size = await db.read(lambda c: c.execute("SELECT length(samples) FROM waveforms").fetchone())

    assert size[0] == 63 * 4


async def test_the_minute_rollup_always_equals_a_count_from_the_samples(opened):
    """Random batches, rewrites, gaps and invalid values: the rollup the writes keep is what
    counting every minute again from the samples gives."""
    store, db, _ = opened
    rnd = random.Random(7)
    for _ in range(12):
        batch = [VitalSample(rnd.choice(["b1", "b2"]), NOW + rnd.randrange(0, 600) + rnd.random(),
                             heart_rate=rnd.choice([None, 900.0, rnd.uniform(40, 160)]),
                             spo2=rnd.choice([None, rnd.uniform(85, 100)]))
                 for _ in range(rnd.randrange(1, 80))]
        await store.write(batch)

    kept = await db.read(lambda c: c.execute(
        "SELECT * FROM vitals_minutes ORDER BY bed_id, minute").fetchall())
    counted = await db.read(lambda c: c.execute(
        "SELECT bed_id, CAST(time / 60 AS INTEGER) AS minute, "
        + ", ".join(f"MIN({v}), MAX({v}), SUM({v}), COUNT({v})" for v in NAMES)
        + " FROM vitals GROUP BY bed_id, minute ORDER BY bed_id, minute").fetchall())
    assert [tuple(row) for row in kept] == [pytest.approx(tuple(row)) for row in counted]
    assert len(kept) > 10


async def test_an_older_file_gets_its_vitals_rolled_up_and_cleaned(tmp_path):
    path = tmp_path / "ward.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for statements in MIGRATIONS[:3]:  # the file as the version before waveforms wrote it
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.executemany("INSERT INTO vitals (bed_id, time, heart_rate, spo2) VALUES (?, ?, ?, ?)",
                     [("b1", NOW + s, 900.0 if s == 30 else 70.0 + s, 97.0) for s in range(120)])
    conn.close()

    db = await EmbeddedDb.open(path)
    try:
        store = EmbeddedVitalsStore(db)
        trend = await store.trend("b1", NOW - 40, NOW + 80, 2)  # whole minutes: the rollup
        history = await store.history("b1", NOW + 30, NOW + 31)
    finally:
        await db.close()

    assert trend.bucket_s == 60 and trend.start == NOW - 40  # NOW is 40 s past a minute
    assert trend.highest[Vital.HEART_RATE] == (89.0, 149.0)  # 900 is gone
    assert trend.lowest[Vital.HEART_RATE] == (70.0, 90.0)
    assert history == [VitalSample("b1", NOW + 30, spo2=97.0)]


@pytest.mark.asyncio
async def test_a_file_from_before_the_simulated_mark_reads_its_samples_as_measured(tmp_path):
    import sqlite3

    from stores.embedded_db import EmbeddedDb
    from stores.embedded_schema import MIGRATIONS
    from stores.model import VitalSample
    from stores.vitals.embedded import EmbeddedVitalsStore

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for statements in MIGRATIONS[:-1]:  # the file as the version before wrote it
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    conn.execute("INSERT INTO vitals (bed_id, time, heart_rate) VALUES ('b1', 1.0, 70)")
    conn.close()
    db = await EmbeddedDb.open(path)
    try:
        store = EmbeddedVitalsStore(db)
        assert (await store.latest(["b1"]))["b1"].simulated is False
        await store.write([VitalSample("b1", 2.0, heart_rate=71, simulated=True)])
        assert (await store.latest(["b1"]))["b1"].simulated is True
    finally:
        await db.close()
