"""`simulate --backfill`: past vitals for every occupied bed, on whole seconds, rewritten in place on a
rerun, with the live monitor's physiology; durations and bad input on the command line."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
import pytest_asyncio

from app.cli import parse_args
from app.simulator import backfill
from app.simulator.backfill import backfill_bed, backfill_wards, parse_duration
from app.simulator.history import history_blocks, simulate_history
from app.simulator.physiology import BedPhysiology
from stores import StoreConfig, open_stores

NOW = 1_750_000_000.6  # not a whole second: the backfill ends at the whole second before
HOUR = 3600


@pytest_asyncio.fixture
async def stores(tmp_path, seeded_demo):
    seeded_demo.copy_into(tmp_path, now=NOW - 7200)
    opened = await open_stores(StoreConfig(data_dir=tmp_path))
    yield opened
    await opened.close()


async def occupied(stores, ward: str) -> list[str]:
    return sorted(p.bed_id for p in await stores.patients.search(ward.split("-")[0], ward))


@pytest.mark.parametrize(("text", "seconds"), [("7d", 604800), ("24h", 86400), ("90m", 5400),
                                               ("45s", 45), ("1.5h", 5400), ("2w", 1209600)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["7x", "-5d", "0s", "d", "40d", ""])
def test_bad_durations_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="duration|between"):
        parse_duration(text)


def test_the_simulate_command_takes_a_backfill(capsys):
    args = parse_args(["simulate", "--backfill", "24h", "--backfill-only"])
    assert (args.backfill, args.backfill_only) == (86400, True)
    assert parse_args(["simulate"]).backfill is None
    for bad in (["--backfill", "7x"], ["--backfill=-5d"], ["--backfill-only"]):
        with pytest.raises(SystemExit) as exit_:
            parse_args(["simulate", *bad])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "error" in err


@pytest.mark.asyncio
async def test_every_occupied_bed_gets_one_sample_a_second_ending_now(stores):
    beds = await occupied(stores, "south-3")
    result = await backfill_wards(stores, ["south-3"], HOUR, seed=7, now=NOW)
    assert (result.beds, result.rows) == (len(beds), len(beds) * HOUR)
    for bed in beds:
        history = await stores.vitals.history(bed, NOW - 2 * HOUR, NOW + 1)
        times = [s.time for s in history if s.time > NOW - HOUR]
        assert times == [float(t) for t in range(int(NOW) - HOUR + 1, int(NOW) + 1)]
    latest = await stores.vitals.latest(beds)
    assert all(s.heart_rate and s.spo2 and s.nibp_sys and s.temperature for s in latest.values())


@pytest.mark.asyncio
async def test_a_rerun_rewrites_the_same_rows_instead_of_adding_to_them(stores):
    bed = (await occupied(stores, "south-3"))[0]
    await backfill_wards(stores, ["south-3"], HOUR, seed=7, now=NOW)
    first = await stores.vitals.history(bed, NOW - HOUR, NOW + 1)
    await backfill_wards(stores, ["south-3"], HOUR, seed=7, now=NOW)
    assert await stores.vitals.history(bed, NOW - HOUR, NOW + 1) == first
    # Later, the range moves on: the overlap is replaced, the new seconds added.
    await backfill_wards(stores, ["south-3"], HOUR, seed=7, now=NOW + 600)
    moved = await stores.vitals.history(bed, NOW - HOUR, NOW + 601)
    assert len(moved) == HOUR + 600
    assert len({s.time for s in moved}) == len(moved)


@pytest.mark.asyncio
async def test_beds_of_other_wards_and_empty_beds_get_nothing(stores):
    await backfill_wards(stores, ["south-3"], 600, seed=7, now=NOW)
    empty = [b.id for b in await stores.patients.beds("south-3")
             if b.id not in await occupied(stores, "south-3")]
    other = await occupied(stores, "south-2")
    found = await stores.vitals.recent(empty + other, NOW - 700)
    assert found == {}


def test_the_past_has_the_live_monitors_episodes_and_values():
    live = BedPhysiology("b", random.Random("x"), episodes_per_hour=16)
    past = BedPhysiology("b", random.Random("x"), episodes_per_hour=16)
    assert live.baseline == past.baseline
    columns = simulate_history(past, 0.0, 6 * HOUR, np.random.default_rng(1))
    steps = [live.step(float(t)) for t in range(6 * HOUR)]
    for name in ("heart_rate", "spo2", "resp_rate", "nibp_sys", "temperature"):
        mine, theirs = columns[name], np.array([getattr(s, name) for s in steps])
        assert abs(mine.mean() - theirs.mean()) < max(theirs.std(), 0.2), name
        assert 0.4 < mine.std() / theirs.std() < 2.5, name
    heart_rate = columns["heart_rate"]
    assert heart_rate.max() > past.baseline.heart_rate + 15  # episodes happened
    assert np.all(columns["nibp_dia"] < columns["nibp_sys"])
    # The cuff holds its reading between cycles: a few hundred readings in six hours.
    assert 100 <= np.count_nonzero(np.diff(columns["nibp_sys"])) <= 6 * HOUR / 150


@pytest.mark.parametrize("block_s", [100, 433, 3600, 5 * HOUR])
def test_a_past_in_blocks_is_the_past_in_one_piece(block_s):
    """Drift, breathing, episodes and the cuff's held reading carry over from block to block
    (blocks of 100 s are shorter than the cuff's cycle: some have no reading of their own)."""
    def past() -> BedPhysiology:
        return BedPhysiology("b", random.Random("x"), episodes_per_hour=16)

    whole = simulate_history(past(), 0.0, 6 * HOUR, np.random.default_rng(1))
    blocks = list(history_blocks(past(), 0.0, 6 * HOUR, np.random.default_rng(1), block_s))
    assert [lo for lo, _ in blocks] == list(range(0, 6 * HOUR, block_s))
    for name, column in whole.items():
        assert np.array_equal(np.concatenate([part[name] for _, part in blocks]), column), name


@pytest.mark.asyncio
async def test_a_longer_backfill_takes_no_more_memory(monkeypatch):
    """A bed's past is made a batch at a time: the memory it takes is a batch's, whatever the
    range (a week made at once took 150 MB of arrays, and the station kept much of it)."""
    monkeypatch.setattr(backfill, "BATCH_ROWS", 1800)
    patient = type("P", (), {"bed_id": "b", "id": "p"})()
    sizes = []

    async def write(batch: list) -> None:
        sizes.append(len(batch))

    async def peak_mb(seconds: int) -> float:
        tracemalloc.start()
        try:
            await backfill_bed(write, patient, 0.0, seconds, seed=7)
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()

    short = await peak_mb(2 * HOUR)
    long = await peak_mb(24 * HOUR)
    assert set(sizes) == {1800}
    assert long < 1.5 * short, (short, long)


@pytest.mark.asyncio
async def test_a_backfill_holds_one_small_batch_at_a_time():
    """A batch is Python objects until the store has them, and the station keeps much of the
    memory they took: 100 000 samples a batch held 45 MB, 20 000 hold 10."""
    patient = type("P", (), {"bed_id": "b", "id": "p"})()

    async def write(batch: list) -> None:
        assert len(batch) == backfill.BATCH_ROWS

    tracemalloc.start()
    try:
        await backfill_bed(write, patient, 0.0, 2 * backfill.BATCH_ROWS, seed=7)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert peak_mb < 16


def test_simulate_backfill_only_writes_the_past_and_exits(tmp_path):
    import asyncio
    import time

    from app.cli import main

    started = time.time()
    assert main(["simulate", "--data-dir", str(tmp_path), "--backfill", "20m",
                 "--backfill-only"]) == 0

    async def count() -> tuple[int, int]:
        opened = await open_stores(StoreConfig(data_dir=tmp_path))
        try:
            beds = [p.bed_id for p in await opened.patients.search("south", "south-3")]
            past = await opened.vitals.recent(beds, started - 1200.5)
            # The seeded ten minutes were on the same whole seconds: replaced, not doubled.
            return len(beds), sum(len(samples) for samples in past.values())
        finally:
            await opened.close()

    beds, rows = asyncio.run(count())
    assert rows == pytest.approx(beds * 1200, abs=beds)


def test_simulate_only_one_region_writes_only_its_wards(tmp_path):
    import asyncio
    import time

    from app.cli import main

    started = time.time()
    assert main(["simulate", "--data-dir", str(tmp_path), "--backfill", "15m", "--backfill-only",
                 "--only-region", "south"]) == 0

    async def beds_written() -> dict[str, int]:
        opened = await open_stores(StoreConfig(data_dir=tmp_path))
        try:
            written = {}
            for region, ward in (("south", "south-3"), ("north", "north-1")):
                beds = [p.bed_id for p in await opened.patients.search(region, ward)]
                past = await opened.vitals.recent(beds, started - 840)
                # before the ten minutes the demo seeds for every ward
                written[ward] = sum(1 for samples in past.values() for sample in samples
                                    if sample.time < started - 660)
            return written
        finally:
            await opened.close()

    written = asyncio.run(beds_written())
    assert written["south-3"] > 0 and written["north-1"] == 0


def test_simulate_an_unknown_region_is_one_line_and_exit_2(tmp_path, capsys):
    from app.cli import main

    assert main(["simulate", "--data-dir", str(tmp_path), "--only-region", "nowhere"]) == 2
    assert "--only-region 'nowhere' is not a demo region" in capsys.readouterr().err
