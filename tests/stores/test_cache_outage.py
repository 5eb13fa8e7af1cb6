"""The Redis cache when Redis is away: reads go to the stores and never fail, and a station that
may have missed invalidations reads no entry of before them again."""

from __future__ import annotations

import dataclasses

import pytest

from stores.urls import parse_store_url
from tests.servers.tcp_proxy import CuttableLink
from tests.stores.cache_support import open_station, ward  # noqa: F401
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio


async def cuttable(redis_server) -> CuttableLink:
    host, port = parse_store_url("alerts", redis_server.url).hosts[0]
    link = CuttableLink(port, host)
    await link.restore()
    return link


async def test_a_station_that_missed_invalidations_reads_no_entry_of_before_them(
        redis_server, open_station):
    link = await cuttable(redis_server)
    writer, station = await open_station(), await open_station(link.port)
    await writer.following()
    await station.following()
    record = await station.patients.get("p1")  # kept in Redis under the station's generation
    assert await writer.patients.get("p1") == record and writer.store_reads == 0

    await link.cut()
    await eventually(lambda: not station.cache.view.in_use, 5.0, "the view dropped")
    saved = await writer.patients.update(dataclasses.replace(record, notes="changed"), "dr.ng")
    announced = writer.generation()  # the station did not hear it
    assert await station.patients.get("p1") == saved  # from the store: the cache is not in use
    health = await station.patients.health()
    assert not health.cache.in_use and "127.0.0.1" in health.cache.reason
    await link.restore()
    await station.following()

    # the entry kept before the cut is still in Redis; the station never reads it again
    assert station.generation() > announced
    assert await station.patients.get("p1") == saved
    await eventually(lambda: writer.generation() == station.generation(), 5.0,
                     "the writer heard the station's new generation")
    assert await writer.patients.get("p1") == saved
    await link.close()


async def test_reads_and_writes_go_to_the_stores_while_redis_is_away(redis_server, open_station,
                                                                     ward):
    link = await cuttable(redis_server)
    await link.cut()
    station = await open_station(link.port)

    record = await station.patients.get("p1")
    saved = await station.patients.update(dataclasses.replace(record, notes="offline"), "dr.ng")
    assert await station.patients.get("p1") == saved == await ward.patients.get("p1")
    assert await station.network.care_team("p1") == await ward.network.care_team("p1")
    assert station.store_reads == 3
    health = await station.network.health()
    assert not health.cache.in_use and health.cache.hits == 0 and health.cache.reads == 1

    await link.restore()
    await station.following()
    await station.patients.get("p1")
    assert await station.patients.get("p1") == saved
    assert station.cache.counts["patients"].hits == 1
    await link.close()


async def test_a_killed_channel_connection_makes_a_new_generation(redis_server, open_station):
    import redis

    first, second = await open_station(), await open_station()
    await first.following()
    await second.following()
    before = first.generation()
    host, port = parse_store_url("alerts", redis_server.url).hosts[0]

    with redis.Redis(host=host, port=port, password=redis_server.secret) as admin:
        assert admin.client_kill_filter(_type="pubsub") == 2

    await eventually(lambda: (first.generation() or 0) > before + 1, 10.0,
                     "both stations made a new generation on joining again")
    await eventually(lambda: first.generation() == second.generation(), 5.0, "the same view")
