"""The Redis alarm bus takes nothing on trust: junk on the channel or in the stream, forged and
unsigned records, skewed clocks and a trimmed stream never hide a genuine alarm."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

import pytest
import redis

from stores.alarm_codec import alarm_to_dict
from stores.alerts.redis_scripts import RegionKeys
from stores.errors import AlarmsMissed, StoreUnavailable, ValidationError
from stores.model import HealthState, Priority, Vital
from stores.urls import parse_store_url
from tests.servers.tcp_proxy import CuttableLink
from tests.stores.redis_support import (  # noqa: F401
    T0,
    Collector,
    alarm,
    followed,
    following,
    open_bus,
    raw_client,
)
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio
OLD_KEY, NEW_KEY, WRONG_KEY = b"old-key-north-0123456789", b"new-key-north-0123456789", b"x" * 32
NORTH = RegionKeys("north")


def attacking(url: str, secret: str | None) -> redis.Redis:
    return raw_client(url, secret, decode_responses=True)


def keys(*region_keys: bytes):
    return lambda region: list(region_keys) if region == "north" else []


async def test_a_live_message_with_an_entry_id_far_ahead_blinds_nothing(redis_server, open_bus):
    url = redis_server.fresh_url("ahead")
    station, collector = await followed(open_bus, url, redis_server.secret)
    with attacking(url, redis_server.secret) as attacker:
        attacker.publish(NORTH.channel, "99999999999999-0\n{}\n")
        attacker.publish(NORTH.channel, "18446744073709551615-18446744073709551615")
        attacker.publish(NORTH.channel, "not an id at all")

    genuine = [f"a{n:02}" for n in range(30)]
    for n, alarm_id in enumerate(genuine):
        await station.publish(alarm(alarm_id, 100.0 + n))

    assert await collector.settled(station) == genuine
    assert station.unreadable_messages("north")[0] == 0  # a wake-up is not a record
    await collector.stop()


async def test_records_no_station_would_publish_are_refused_counted_and_block_nothing(
        redis_server, open_bus):
    url = redis_server.fresh_url("junk")
    station, collector = await followed(open_bus, url, redis_server.secret)
    genuine = alarm_to_dict(alarm("bad"))
    junk = [genuine | {"value": float("nan"), "vital": "spo2"},
            genuine | {"raised_at": time.time() + 30 * 86400},
            genuine | {"region": "south"},
            genuine | {"condition": "x" * 5000},
            genuine | {"acknowledged_by": {"name": "x"}, "acknowledged_at": T0}]
    with attacking(url, redis_server.secret) as attacker:
        for record in junk:
            attacker.xadd(NORTH.stream, {"alarm": json.dumps(record), "ack": ""})
            attacker.publish(NORTH.channel, "wake")

    await station.publish(alarm("a1"))

    assert await collector.settled(station) == ["a1"]
    count, why = station.unreadable_messages("north")
    assert count == len(junk) and "'acknowledged_by'" in why
    await collector.stop()


async def test_alarms_are_checked_against_the_server_clock_not_the_station_clock(
        redis_server, open_bus, monkeypatch):
    url = redis_server.fresh_url("skew")
    station, collector = await followed(open_bus, url, redis_server.secret)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 86400)  # three days fast

    await station.publish(alarm("now", time.time() - T0 - 3 * 86400))  # the server's now

    assert await collector.settled(station) == ["now"]
    assert station.unreadable_messages("north") == (0, "")
    await collector.stop()


async def test_with_a_key_unsigned_and_forged_records_are_refused(redis_server, open_bus):
    url = redis_server.fresh_url("forged")
    station, collector = await followed(open_bus, url, redis_server.secret, keys(OLD_KEY))
    forger = await open_bus(url, redis_server.secret, alarm_keys=keys(WRONG_KEY))
    unsigned = await open_bus(url, redis_server.secret)

    await forger.publish(alarm("forged"))
    await unsigned.publish(alarm("unsigned"))
    await unsigned.publish(alarm("hello").clear(T0 + 200))  # "clear" a real one
    await station.publish(alarm("genuine"))

    assert await collector.settled(station) == ["genuine"]
    count, why = station.unreadable_messages("north")
    assert count == 3 and "unsigned" in why
    assert "genuine" in [a.id for a in await station.active("north")]
    assert {"forged", "unsigned"}.isdisjoint(a.id for a in await station.active("north"))
    health = await station.health()
    assert health.flags == () and "3 alarm message(s) refused" in health.reason
    await collector.stop()


async def test_a_forged_acknowledgement_leaves_the_alarm_unacknowledged_and_a_nurse_can_ack_it(
        redis_server, open_bus):
    url = redis_server.fresh_url("pre-ack")
    station, collector = await followed(open_bus, url, redis_server.secret, keys(OLD_KEY))
    with attacking(url, redis_server.secret) as attacker:  # acknowledged before it is raised
        attacker.hset(NORTH.acks, "a1", json.dumps({"by": "nobody", "at": T0 + 101}))

    await station.publish(alarm("a1"))
    [shown] = [a for a in await station.active("north") if a.id == "a1"]
    assert not shown.acknowledged
    assert "acknowledgement" in station.unreadable_messages("north")[1]

    acknowledged = await station.acknowledge("a1", "nurse.kim", T0 + 102, "north")

    assert (acknowledged.acknowledged_by, acknowledged.acknowledged_at) == ("nurse.kim", T0 + 102)
    assert await collector.settled(station) == ["a1", "a1"]
    await collector.stop()


async def test_a_key_rotation_keeps_every_alarm_readable(redis_server, open_bus):
    url = redis_server.fresh_url("rotate")
    # step 1: every station verifies the new key beside the old one, and still signs with old
    reader = await open_bus(url, redis_server.secret, alarm_keys=keys(OLD_KEY, NEW_KEY))
    collector = Collector(reader.subscribe("north"))
    await following(reader, collector)
    old_signer = await open_bus(url, redis_server.secret, alarm_keys=keys(OLD_KEY))
    await old_signer.publish(alarm("signed-old"))
    # step 2: stations sign with the new key; those not yet changed still read it
    new_signer = await open_bus(url, redis_server.secret, alarm_keys=keys(NEW_KEY, OLD_KEY))
    await new_signer.publish(alarm("signed-new"))

    assert await collector.settled(reader) == ["signed-old", "signed-new"]
    assert reader.unreadable_messages("north") == (0, "")
    await collector.stop()


async def test_without_a_key_the_bus_says_it_runs_unsigned(redis_server, open_bus):
    station = await open_bus(redis_server.fresh_url("unsigned"), redis_server.secret)
    station.subscribe("north")

    health = await station.health()

    assert not station.signed("north") and health.flags == ("unsigned",)
    assert "alarms of north are not signed" in health.reason
    assert health.state is HealthState.UP or "unsigned" not in health.reason.split(";")[0]


async def test_a_station_back_after_the_stream_was_trimmed_is_told_to_read_again(
        redis_server, open_bus):
    url = redis_server.fresh_url("trimmed")
    host, port = parse_store_url("alerts", url).hosts[0]
    link = CuttableLink(port, host)
    await link.restore()
    publisher = await open_bus(url + ("&" if "?" in url else "?") + "stream_maxlen=100",
                               redis_server.secret)
    station = await open_bus(url.replace(f":{port}/", f":{link.port}/"), redis_server.secret)
    subscription = station.subscribe("north")
    await station.publish(alarm("first"))  # positions its reader before the first
    assert (await asyncio.wait_for(anext(subscription), 5.0)).id == "first"

    await link.cut()
    for n in range(400):  # far beyond what the capped stream keeps
        await publisher.publish(alarm(f"a{n:03}", 100.0 + n / 10))
    await link.restore()

    with pytest.raises(AlarmsMissed, match="trimmed"):
        async for _ in subscription:
            pass
    assert len(await station.active("north")) == 401  # what a station then reads instead
    await link.close()


async def test_an_alarm_with_a_value_no_sensor_reports_is_not_published(redis_server, open_bus):
    station = await open_bus(redis_server.fresh_url("nan"), redis_server.secret)

    with pytest.raises(ValidationError) as refused:
        await station.publish(replace(alarm("a1"), vital=Vital.SPO2, value=float("nan")))
    assert refused.value.field == "value"


async def test_an_eviction_policy_that_could_drop_alarms_is_said(redis_server, open_bus):
    url = redis_server.fresh_url("eviction")
    with attacking(url, redis_server.secret) as admin:
        before = admin.config_get("maxmemory-policy")["maxmemory-policy"]
        admin.config_set("maxmemory-policy", "allkeys-lru")
        try:
            station = await open_bus(url, redis_server.secret)
            health = await station.health()
        finally:
            admin.config_set("maxmemory-policy", before)

    assert health.state is HealthState.DEGRADED
    assert "maxmemory-policy allkeys-lru could evict alarm keys" in health.reason


async def test_the_current_alarms_are_checked_as_the_stream_is(redis_server, open_bus):
    url = redis_server.fresh_url("stored")
    station = await open_bus(url, redis_server.secret)
    await station.publish(alarm("genuine"))
    stale = alarm_to_dict(alarm("stale")) | {"raised_at": 100.0}  # 1970
    with attacking(url, redis_server.secret) as attacker:
        attacker.hset(NORTH.alarms, "stale", json.dumps(stale))
        attacker.sadd(NORTH.attention, "stale")

    assert [a.id for a in await station.active("north")] == ["genuine"]
    count, why = station.unreadable_messages("north")
    assert count == 1 and "days before the bus's clock" in why


async def test_a_forged_entry_id_at_the_top_of_the_stream_changes_nothing_and_is_said(
        redis_server, open_bus):
    url = redis_server.fresh_url("exhausted")
    station, collector = await followed(open_bus, url, redis_server.secret)
    await station.publish(alarm("before"))
    with attacking(url, redis_server.secret) as attacker:
        attacker.xadd(NORTH.stream, {"x": "y"},
                      id="18446744073709551615-18446744073709551615")
        attacker.publish(NORTH.channel, "wake")

    with pytest.raises(StoreUnavailable, match="forged entry id"):
        await station.publish(alarm("after"))

    # the script failed before it wrote anything: no half-stored alarm
    assert [a.id for a in await station.active("north")] == ["hello", "before"]
    await collector.wait_for(1, 2.0)
    why = await refused_saying(station, "forged")  # at every station, on its next check
    assert "must delete ward:north:stream" in why
    await collector.stop()


async def refused_saying(station, words: str, timeout_s: float = 5.0) -> str:
    """The reason of the station's last refused record, once it says `words`."""
    def said() -> str | None:
        _, why = station.unreadable_messages("north")
        return why if words in why else None

    return await eventually(said, timeout_s, f"a refusal saying {words!r}")


async def test_records_in_bytes_that_are_not_utf8_or_beyond_any_float_are_only_refused(
        redis_server, open_bus):
    url = redis_server.fresh_url("bytes")
    station, collector = await followed(open_bus, url, redis_server.secret, keys(OLD_KEY))
    huge = json.dumps(alarm_to_dict(alarm("huge")) | {"raised_at": 10 ** 400})
    forged_sig = json.dumps(alarm_to_dict(alarm("sig")) | {"sig": "v1:00000000:\u00e9"})
    with raw_client(url, redis_server.secret) as attacker:
        for record in (b"\xff\xfe{", huge.encode(), forged_sig.encode()):
            attacker.xadd(NORTH.stream, {b"alarm": record, b"ack": b"\xff"})
        attacker.hset(NORTH.alarms, "bytes", b"\xff\xfe")
        attacker.sadd(NORTH.attention, "bytes")
        attacker.publish(NORTH.channel, b"\xff")

    await station.publish(alarm("genuine"))

    assert await collector.settled(station) == ["genuine"]
    assert "genuine" in {a.id for a in await station.active("north")}
    assert station.unreadable_messages("north")[0] >= 4
    assert station.channel_problem("north") is None
    await collector.stop()


async def test_an_index_set_emptied_by_hand_hides_no_open_alarm_from_a_station_reading_again(
        redis_server, open_bus):
    url = redis_server.fresh_url("index")
    station = await open_bus(url, redis_server.secret, alarm_keys=keys(OLD_KEY))
    high = replace(alarm("latched", priority=Priority.HIGH), raised_at=time.time() - 60)
    await station.publish(high.clear(time.time() - 30))  # latched: open until acknowledged
    await station.publish(replace(alarm("true"), raised_at=time.time() - 20))
    with attacking(url, redis_server.secret) as attacker:
        attacker.delete(NORTH.attention, NORTH.ongoing)

    assert [a.id for a in await station.active("north")] == ["latched", "true"]
