"""What the Redis cache tests share: a small ward in embedded stores that every station of a test
reads (each through its own cache, counting the reads that reach the stores), on the session's
real redis-server."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import pytest_asyncio

from app.bench.cache.counted_reads import CountedReads
from stores import StoreConfig, Stores, open_stores
from stores.cache import CachedNetwork, CachedPatients, RegionCache, open_cache
from stores.model import Bed, CareLink, CareLinkKind, Clinician, ClinicianRole, Patient, Sex
from stores.urls import parse_store_url
from tests.waiting import eventually

KEY = b"the-north-signing-key-for-tests"
OTHER_KEY = b"a-key-that-is-not-north-s-own!!"


def patient(id_: str, bed: int, **changes) -> Patient:
    record = Patient(id=id_, region="north", ward="north-1", mrn=f"MRN-{id_}",
                     given_name="Ada", family_name=f"Lovelace {id_}",
                     birth_date=date(1950, 12, 10), sex=Sex.FEMALE, bed_id=f"north-1-0{bed}",
                     allergies=("penicillin",), notes="Prefers the window side.")
    return dataclasses.replace(record, **changes)


async def fill_ward(stores: Stores) -> None:
    """Beds 1-3 of north-1; p1 and p2 admitted; Dr Ng treats p1."""
    await stores.patients.set_beds([Bed(f"north-1-0{n}", "north", "north-1", f"Bed {n}", n)
                                    for n in (1, 2, 3)])
    for number, id_ in enumerate(("p1", "p2"), start=1):
        saved = await stores.patients.create(patient(id_, number), "nurse.kim")
        await stores.network.put_patient(id_, saved.full_name)
    await stores.network.put_clinician(Clinician("d-ng", "Dr Ng", ClinicianRole.DOCTOR, "north"))
    await stores.network.link(CareLink("d-ng", "p1", CareLinkKind.TREATS))


@dataclass
class Station:
    """A station of region north: its cache, the stores with the cache in front, and the
    counted stores under them."""

    cache: RegionCache
    patients: CachedPatients
    network: CachedNetwork
    counted_patients: CountedReads
    counted_network: CountedReads

    @property
    def store_reads(self) -> int:
        return self.counted_patients.reads + self.counted_network.reads

    def generation(self, scope: str = "patients") -> int | None:
        return self.cache.view.current(scope)

    async def following(self) -> None:
        await eventually(lambda: self.cache.view.in_use, 10.0, "the cache following its channel")


def station_of(cache: RegionCache, patients: CountedReads, network: CountedReads) -> Station:
    """A station reading `patients` and `network` through `cache`."""
    return Station(cache, CachedPatients(patients, cache), CachedNetwork(network, cache),
                   patients, network)


@pytest_asyncio.fixture
async def ward(tmp_path):
    """Embedded stores holding the ward: what every station of the test reads."""
    stores = await open_stores(StoreConfig(data_dir=tmp_path / "ward"))
    await fill_ward(stores)
    yield stores
    await stores.close()


@pytest_asyncio.fixture
async def open_station(redis_server, ward):
    """`await open_station(port=None, keys=[KEY], ttl_s=60.0)`: a station on the session's Redis
    (flushed for the test), or on `port` (a cuttable link to it); its cache is started."""
    url = redis_server.fresh_url("cache")
    real_port = parse_store_url("alerts", url).hosts[0][1]
    opened: list[RegionCache] = []

    async def open_one(port: int | None = None, keys=(KEY,), ttl_s: float = 60.0) -> Station:
        station_url = url.replace(f":{real_port}/", f":{port}/") if port else url
        cache = open_cache(parse_store_url("alerts", station_url), redis_server.secret, "north",
                           list(keys), ttl_s)
        opened.append(cache)
        cache.start()
        return station_of(cache, CountedReads(ward.patients), CountedReads(ward.network))

    yield open_one
    for cache in opened:
        await cache.close()
