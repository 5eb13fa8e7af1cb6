"""The Redis cache between stations of a region, on a real redis-server: what one station read is
a hit at another, and a write at one is never served stale at another once it heard of it."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from stores.model import Bed, CareGraph, Patient
from stores.outbox.table import QueuedWrite
from tests.stores.cache_support import Station, open_station, ward  # noqa: F401
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio


async def two_stations(open_station) -> tuple[Station, Station]:
    first, second = await open_station(), await open_station()
    await first.following()
    await second.following()
    return first, second


async def heard(station: Station, generation: int, scope: str = "patients") -> None:
    """Wait until `station` heard of `generation` of `scope` (or a newer one)."""
    await eventually(lambda: (station.generation(scope) or 0) >= generation, 5.0,
                     f"generation {generation} of {scope} heard")


async def test_what_one_station_read_is_a_hit_at_another(open_station, ward):
    first, second = await two_stations(open_station)
    reads = [lambda s: s.patients.get("p1"), lambda s: s.patients.beds("north-1"),
             lambda s: s.patients.search("north", "north-1"),
             lambda s: s.patients.search("north", None, "lovelace p2"),
             lambda s: s.network.care_team("p1"), lambda s: s.network.clinicians("north")]

    answers = [await read(first) for read in reads]

    assert [await read(second) for read in reads] == answers
    assert second.store_reads == 0 and first.store_reads == len(reads)
    assert answers[0] == await ward.patients.get("p1")
    assert answers[4] == await ward.network.care_team("p1")
    health = await second.patients.health()
    assert health.cache.in_use and health.cache.hits == health.cache.reads == 4
    assert health.cache.hit_ratio == 1.0


async def test_a_write_at_one_station_is_never_served_stale_at_another_that_heard_it(
        open_station):
    first, second = await two_stations(open_station)
    before = await second.patients.get("p1")
    await second.patients.search("north", "north-1")
    await second.network.care_team("p1")

    saved = await first.patients.update(dataclasses.replace(before, notes="Moved to bed 3."),
                                        "dr.ng")
    await first.network.put_patient("p1", "Ada Byron")
    await heard(second, first.generation("patients"))
    await heard(second, first.generation("network"), "network")

    assert await second.patients.get("p1") == saved
    assert [p.notes for p in await second.patients.search("north", "north-1")
            if p.id == "p1"] == ["Moved to bed 3."]
    assert (await second.network.care_team("p1")).node("p1").label == "Ada Byron"


class SlowAnswers:
    """A store whose answers come late: read, then held back while others write."""

    def __init__(self, inner, delay_s: float) -> None:
        self._inner, self._delay_s = inner, delay_s

    async def get(self, patient_id: str) -> Patient:
        answer = await self._inner.get(patient_id)
        await asyncio.sleep(self._delay_s)
        return answer


async def test_no_read_is_older_than_the_last_write_its_station_heard_of(open_station):
    """One station saves a record over and over while another reads it over and over, its
    store's answers held back long enough for saves to be announced meanwhile: every read is
    at least the version of the newest save whose generation the reader held before it asked."""
    writer, reader = await two_stations(open_station)
    reader.patients.inner = SlowAnswers(reader.patients.inner, 0.01)
    saves: list[tuple[int, int]] = []  # (generation made by the save, version saved)
    checked: list[tuple[int, int]] = []  # (generation the reader held, version it read)

    async def write() -> None:
        record = await writer.patients.get("p1")
        for n in range(40):
            record = await writer.patients.update(
                dataclasses.replace(record, notes=f"save {n}"), "dr.ng")
            saves.append((writer.generation(), record.version))
            await asyncio.sleep(0.02)  # longer than a slow answer: the reader hits in between

    async def read() -> None:
        while len(saves) < 40:
            held = reader.generation()
            checked.append((held, (await reader.patients.get("p1")).version))

    await asyncio.gather(write(), read())

    assert len(checked) >= 10
    assert reader.cache.counts["patients"].hits > 0  # the cache was read, not only the store
    for held, version in checked:
        newest_heard = max((v for g, v in saves if held is not None and g <= held), default=1)
        assert version >= newest_heard, (held, version, saves)


async def test_beds_patients_and_the_network_are_invalidated_each_by_its_own_writes(
        open_station, ward):
    first, second = await two_stations(open_station)
    beds = await second.patients.beds("north-1")
    await second.network.care_team("p2")
    network = first.generation("network")

    await first.patients.discharge("p2", "dr.ng")
    await heard(second, first.generation("patients"))

    assert second.generation("network") == network  # care teams are still read from Redis
    assert await second.patients.beds("north-1") == beds
    assert "p2" not in [p.id for p in await second.patients.search("north", "north-1")]
    await first.patients.set_beds([*beds, Bed("north-1-04", "north", "north-1", "Bed 4", 4)])
    await heard(second, first.generation("beds"), "beds")
    assert len(await second.patients.beds("north-1")) == 4


async def test_a_write_the_outbox_delivers_later_is_announced_then(open_station):
    first, second = await two_stations(open_station)
    generation = first.generation("patients")

    first.patients._on_courier("queued", QueuedWrite(1, "patients", "patients.update", {}, 0.0))
    first.patients._on_courier("delivered", QueuedWrite(1, "patients", "patients.audit", {}, 0.0))
    assert not first.patients._announcing  # neither changes what a cached read returns
    first.patients._on_courier("delivered", QueuedWrite(1, "patients", "patients.update", {}, 0.0))

    await heard(second, generation + 1)


async def test_a_read_about_another_region_is_not_kept(open_station, ward):
    south = dataclasses.replace(await ward.patients.get("p2"), id="", region="south",
                                ward="south-1", mrn="S-1", bed_id=None)
    south = await ward.patients.create(south, "dr.ng")
    first, second = await two_stations(open_station)

    assert isinstance(await first.patients.get(south.id), Patient)
    await second.patients.get(south.id)
    await second.patients.search("south", None, "")

    assert second.counted_patients.reads == 2  # neither was read from the cache
    assert isinstance(await second.network.care_team("p9"), CareGraph)
