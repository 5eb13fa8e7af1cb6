"""Contract of VitalsStore: what every vitals backend must do."""

from __future__ import annotations

import pytest

from stores.model import HealthState, VitalSample

pytestmark = pytest.mark.asyncio
STORE = "vitals"


def sample(bed_id: str, time: float, heart_rate: float | None = 70.0, **vitals) -> VitalSample:
    return VitalSample(bed_id, time, heart_rate=heart_rate, **vitals)


async def test_latest_is_the_newest_sample_of_each_bed_whatever_the_write_order(stores):
    await stores.vitals.write(
        [sample("b1", 20.0, 80), sample("b2", 5.0, 60), sample("b1", 10.0, 70)]
    )

    latest = await stores.vitals.latest(["b1", "b2"])

    assert latest == {"b1": sample("b1", 20.0, 80), "b2": sample("b2", 5.0, 60)}


async def test_latest_leaves_out_beds_without_data(stores):
    await stores.vitals.write([sample("b1", 1.0)])

    assert await stores.vitals.latest(["b1", "empty-bed"]) == {"b1": sample("b1", 1.0)}
    assert await stores.vitals.latest([]) == {}


async def test_latest_of_many_beds(stores):
    beds = [f"bed-{n:02d}" for n in range(40)]
    await stores.vitals.write([sample(bed, t, 60 + t) for bed in beds for t in (1.0, 2.0, 3.0)])

    latest = await stores.vitals.latest(iter(beds))  # any iterable, not only a list

    assert sorted(latest) == beds
    assert all(s.time == 3.0 and s.heart_rate == 63.0 for s in latest.values())


async def test_a_sample_keeps_every_vital_and_missing_ones_stay_none(stores):
    full = VitalSample("b1", 1.5, 72, 98, 16, 120, 80, 93, 36.8)
    partial = VitalSample("b2", 1.5, spo2=91.0)
    await stores.vitals.write([full, partial])

    assert await stores.vitals.latest(["b1", "b2"]) == {"b1": full, "b2": partial}


async def test_rewriting_a_bed_and_time_replaces_the_sample(stores):
    await stores.vitals.write([sample("b1", 1.0, 70, spo2=95.0)])
    await stores.vitals.write([sample("b1", 1.0, 90)])

    assert await stores.vitals.history("b1", 0.0, 10.0) == [sample("b1", 1.0, 90)]


async def test_history_is_half_open_and_oldest_first(stores):
    await stores.vitals.write([sample("b1", t) for t in (40.0, 10.0, 30.0, 20.0, 50.0)])
    await stores.vitals.write([sample("b2", 30.0)])

    history = await stores.vitals.history("b1", 20.0, 40.0)

    assert [s.time for s in history] == [20.0, 30.0]
    assert all(s.bed_id == "b1" for s in history)


async def test_history_of_a_bed_without_data_is_empty(stores):
    assert await stores.vitals.history("nobody", 0.0, 100.0) == []


async def test_recent_gives_each_bed_its_samples_newer_than_since(stores):
    await stores.vitals.write([sample("b1", t) for t in (3.0, 1.0, 2.0)] + [sample("b2", 1.0)])

    recent = await stores.vitals.recent(["b1", "b2", "b3"], since=1.0)

    assert recent == {"b1": [sample("b1", 2.0), sample("b1", 3.0)]}


async def test_writing_nothing_is_allowed(stores):
    await stores.vitals.write([])

    assert await stores.vitals.latest(["b1"]) == {}


async def test_samples_survive_a_restart(stores, reopen):
    await stores.vitals.write([sample("b1", 1.0), sample("b1", 2.0, 88)])

    stores = await reopen(stores)

    assert await stores.vitals.history("b1", 0.0, 3.0) == [sample("b1", 1.0), sample("b1", 2.0, 88)]


async def test_health_is_up_with_a_latency(stores):
    health = await stores.vitals.health()

    assert (health.store, health.state) == ("vitals", HealthState.UP)
    assert health.latency_ms is not None and health.latency_ms >= 0
