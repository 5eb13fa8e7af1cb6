"""Redis alarm bus between stations: shared acknowledgements, racing ones, keys per region."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
import redis

from stores.alarm_codec import alarm_to_dict
from stores.model import HealthState
from stores.urls import parse_store_url
from tests.stores.redis_support import T0, Collector, alarm, following, open_bus  # noqa: F401

pytestmark = pytest.mark.asyncio


async def test_an_acknowledgement_at_one_station_reaches_the_others_within_a_second(
        redis_server, open_bus):
    url = redis_server.fresh_url("ack")
    here, there = [await open_bus(url, redis_server.secret) for _ in range(2)]
    collector = Collector(there.subscribe("north"))
    await following(there, collector)
    await here.publish(alarm("a1"))

    acknowledged = await here.acknowledge("a1", "nurse.kim", T0 + 150.0)

    assert await collector.settled(there) == ["a1", "a1"]
    # acknowledged, still true: still open, now with the acknowledgement
    assert {a.id: a.acknowledged_by for a in await there.active("north")} == {
        "hello": None, "a1": "nurse.kim"}
    assert (await there.history("north", 0.0))[-1] == acknowledged
    await collector.stop()


async def test_two_stations_acknowledging_at_once_keep_one_acknowledgement(
        redis_server, open_bus):
    url = redis_server.fresh_url("race")
    stations = [await open_bus(url, redis_server.secret) for _ in range(4)]
    collector = Collector(stations[0].subscribe("north"))
    await following(stations[0], collector)
    await stations[0].publish(alarm("a1"))

    answers = await asyncio.gather(*(
        station.acknowledge("a1", f"nurse.{n}", T0 + 150.0 + n, "north")
        for n, station in enumerate(stations)))

    assert len({(a.acknowledged_by, a.acknowledged_at) for a in answers}) == 1
    assert await collector.settled(stations[0]) == ["a1", "a1"]  # raised, acknowledged once
    await collector.stop()


async def test_every_key_is_under_its_region(
        redis_server, open_bus):
    url = redis_server.fresh_url("keys")
    bus = await open_bus(url, redis_server.secret)
    for region in ("north", "south"):
        await bus.publish(dataclasses.replace(alarm(f"{region}-a1"), region=region))
    await bus.acknowledge("north-a1", "nurse.kim", T0 + 101.0)
    host, port = parse_store_url("alerts", url).hosts[0]

    with redis.Redis(host=host, port=port, password=redis_server.secret,
                     decode_responses=True) as admin:
        keys = set(admin.keys("*"))
    # an ACL can then keep each station to its own region's keys
    assert keys == {
        f"ward:{region}:{name}" for region in ("north", "south")
        for name in ("alarms", "raised", "stream", "attention", "ongoing")} | {"ward:north:acks"}


async def test_an_alarm_message_that_does_not_parse_is_skipped_counted_and_blocks_nothing(
        redis_server, open_bus):
    url = redis_server.fresh_url("bad")
    station = await open_bus(url, redis_server.secret)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)
    host, port = parse_store_url("alerts", url).hosts[0]
    with redis.Redis(host=host, port=port, password=redis_server.secret,
                     decode_responses=True) as other:  # a station with a bug, say
        entry = other.xadd("ward:north:stream", {"alarm": "{not json", "ack": ""})
        other.publish("ward:north:live", f"{entry}\n{{not json\n")

    await station.publish(alarm("a1"))

    assert await collector.settled(station) == ["a1"]
    health = await station.health()
    assert health.state is HealthState.DEGRADED
    assert "1 alarm message(s) refused" in health.reason
    count, why = station.unreadable_messages("north")
    assert count == 1 and "not JSON" in why
    assert station.unreadable_messages("south") == (0, "")
    await collector.stop()


async def test_an_alarm_with_an_unknown_priority_is_counted_with_the_reason(redis_server, open_bus):
    url = redis_server.fresh_url("priority")
    station = await open_bus(url, redis_server.secret)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)
    host, port = parse_store_url("alerts", url).hosts[0]
    record = alarm_to_dict(alarm("odd")) | {"priority": 7}  # a newer station's "urgent", say
    with redis.Redis(host=host, port=port, password=redis_server.secret,
                     decode_responses=True) as other:
        text = json.dumps(record)
        entry = other.xadd("ward:north:stream", {"alarm": text, "ack": ""})
        other.publish("ward:north:live", f"{entry}\n{text}\n")

    await station.publish(alarm("a1"))

    assert await collector.settled(station) == ["a1"]
    count, why = station.unreadable_messages("north")
    assert count == 1 and "'priority'" in why and "7" in why
    await collector.stop()
