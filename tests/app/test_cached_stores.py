"""Where the station puts the Redis cache: in front of its real patient and network stores, only
where the config allows it, composed where the stores are opened."""

from __future__ import annotations

import dataclasses

import pytest

from app.cached_stores import cache_refusal
from app.config import Config
from app.startup import open_configured_stores
from stores import EMBEDDED, STORE_NAMES
from stores.cache import CachedPatients
from tests.stores.cache_support import KEY, patient
from tests.waiting import eventually

REDIS, MONGO = "redis://127.0.0.1:6379/0", "mongodb://127.0.0.1:27017/ward"


def config(tmp_path, keys=(KEY,), **stores: str) -> Config:
    urls = dict.fromkeys(STORE_NAMES, EMBEDDED) | stores
    return Config(data_dir=tmp_path, stores=urls, alarm_keys=lambda region: list(keys))


@pytest.mark.parametrize("stores, keys, words", [
    ({}, (KEY,), "the patient and network stores are embedded"),
    ({"patients": MONGO}, (KEY,), "the alert store is embedded"),
    ({"patients": MONGO, "alerts": REDIS}, (), "region north has no alarm signing key"),
])
def test_a_station_caches_only_what_it_shares_where_it_can_sign_it(tmp_path, stores, keys, words):
    assert words in cache_refusal(config(tmp_path, keys, **stores))
    allowed = config(tmp_path, alerts=REDIS, network="neo4j://127.0.0.1:7687/neo4j")
    assert cache_refusal(allowed) is None
    assert cache_refusal(dataclasses.replace(allowed, cache_ttl_s=0.0)) == "off (cache_ttl_s = 0)"


@pytest.mark.asyncio
async def test_the_real_patient_store_gets_the_cache_and_keeps_its_outbox(tmp_path, redis_server,
                                                                        mongo_server):
    station = dataclasses.replace(
        config(tmp_path, alerts=redis_server.fresh_url("cached"),
               patients=mongo_server.fresh_url("cached")),
        secrets={"alerts": redis_server.secret})
    stores = await open_configured_stores(station)
    try:
        assert isinstance(stores.patients, CachedPatients) and stores.cache is not None
        assert not isinstance(stores.network, CachedPatients)  # embedded: nothing to share
        assert stores.patients.courier is stores.patients.inner.courier  # Pending writes sees it
        await stores.patients.create(patient("p1", 1), "nurse.kim")  # starts the cache
        await eventually(lambda: stores.cache.view.in_use, 10.0, "the cache in use")
        first = await stores.patients.get("p1")
        assert await stores.patients.get("p1") == first
        health = await stores.patients.health()
        assert health.backend == "mongodb" and health.cache.in_use and health.cache.hits == 1
    finally:
        await stores.close()
