"""What anyone holding the Redis password can put in the cache, on a real redis-server: forged,
moved or junk entries are misses, forged generations are refused, and the store answers."""

from __future__ import annotations

import json

import pytest

from stores.alerts.signing import Signer
from stores.cache.entries import EntryCodec
from stores.cache.follower import generation_message
from tests.stores.cache_support import OTHER_KEY, open_station, ward  # noqa: F401
from tests.stores.redis_support import raw_client
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio


async def test_forged_moved_or_junk_entries_are_misses_and_the_store_answers(
        redis_server, open_station, ward):
    station = await open_station()
    await station.following()
    p1, p2 = await station.patients.get("p1"), await station.patients.get("p2")
    key = station.cache.keys.entry("patients", station.generation(), ("get", "p1"))
    genuine_p2 = station.cache.keys.entry("patients", station.generation(), ("get", "p2"))
    forger = EntryCodec(Signer("north", [OTHER_KEY]), 60.0)
    with raw_client(redis_server.url, redis_server.secret, decode_responses=True) as client:
        forgeries = [forger.encode(key, ("get", "p1"), p2, 1e9), client.get(genuine_p2),
                     "not json", json.dumps({"format": 1, "query": ["get", "p1"]}), "[" * 5000]
        for number, forged in enumerate(forgeries, start=1):
            client.set(key, forged)
            assert await station.patients.get("p1") == p1
            assert station.cache.counts["patients"].refused == number
        client.delete(key)
        client.rpush(key, "a list where an entry should be")
        assert await station.patients.get("p1") == p1
    health = await station.patients.health()
    assert "5 entries refused" in health.cache.reason and health.cache.in_use


async def test_forged_generations_are_refused_and_genuine_ones_still_heard(redis_server,
                                                                          open_station):
    first, second = await open_station(), await open_station()
    await first.following()
    await second.following()
    held = second.generation()
    channel = second.cache.keys.channel
    with raw_client(redis_server.url, redis_server.secret) as client:
        client.publish(channel, json.dumps({"scope": "patients", "gen": 2**40}))  # unsigned
        client.publish(channel, generation_message(Signer("north", [OTHER_KEY]), "patients",
                                                   2**40))
        client.publish(channel, b"\xff\xfe junk")
        client.set(second.cache.keys.generation("patients"), "-7")  # the server's is junk too

    await eventually(lambda: second.cache.follower.refused == 3, 5.0, "three messages refused")
    assert second.generation() == held
    await first.patients.discharge("p2", "dr.ng")
    await eventually(lambda: second.generation() == first.generation() > held, 5.0,
                     "the genuine generation heard")
    assert "p2" not in [p.id for p in await second.patients.search("north", "north-1")]
