"""Random and mutated messages on a real Redis alarm bus, interleaved with genuine alarms: every
genuine alarm is shown exactly once, in order, and the station keeps following."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace

import redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stores.alarm_codec import AlarmRecordError, alarm_to_dict
from stores.alerts.redis import open_store
from stores.alerts.redis_scripts import RegionKeys
from stores.alerts.signing import Signer
from stores.urls import parse_store_url
from tests.hypothesis_profiles import examples
from tests.stores.redis_support import alarm, raw_client

KEY = b"fuzz-signing-key-0123456789abcdef"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=60),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=8), children, max_size=3), max_leaves=6)
TEXT = st.text(max_size=120) | st.binary(max_size=120).map(lambda b: b.decode("latin-1"))

# one piece of junk: ("live", text) on the channel, ("fields", {...}) as a stream entry, or
# ("record", (field, value), ack) a genuine record with one field replaced, signed with the key
# (a station with the key and a bug)
JUNK = st.one_of(
    st.tuples(st.just("live"), TEXT),
    st.tuples(st.just("fields"), st.dictionaries(st.sampled_from(["alarm", "ack", "x"]), TEXT,
                                                  max_size=3)),
    st.tuples(st.just("record"),
              st.tuples(st.sampled_from(sorted(alarm_to_dict(alarm("x")))), JSON),
              st.sampled_from(["", "{}", "nope", json.dumps({"by": "x", "at": "soon"})])),
)


def _send_junk(client: redis.Redis, keys: RegionKeys, junk, signer: Signer) -> None:
    kind, *rest = junk
    if kind == "live":
        client.publish(keys.channel, rest[0])
        return
    if kind == "fields":
        fields = rest[0] or {"x": ""}
    else:
        (field, value), ack = rest
        record = alarm_to_dict(alarm(f"junk-{uuid.uuid4().hex[:6]}")) | {"region": keys.region}
        record[field] = value
        try:
            text = json.dumps(signer.sign_alarm(record))
        except (AlarmRecordError, ValueError):  # not even signable (NaN): sent unsigned
            text = json.dumps(record)
        fields = {"alarm": text, "ack": ack}
    entry = client.xadd(keys.stream, fields)
    client.publish(keys.channel, f"{entry}\n{fields.get('alarm', '')}\n")


@settings(max_examples=examples(0.5), deadline=None,  # each example talks to Redis
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=st.lists(st.one_of(st.just("genuine"), JUNK), min_size=1, max_size=25))
@example(plan=[("live", "99999999999999-0\n{}\n"), "genuine", "genuine"])
@example(plan=[("record", ("value", float("nan")), ""), "genuine"])
@example(plan=[("record", ("raised_at", 1e12), "{}"), ("fields", {"ack": "x"}), "genuine"])
def test_junk_interleaved_with_genuine_alarms_hides_none(redis_server, plan):
    url = redis_server.url
    region = "fuzz-" + uuid.uuid4().hex[:8]  # a region of its own for each example
    keys = RegionKeys(region)
    signer = Signer(region, [KEY])

    async def scenario() -> tuple[list[str], object, str | None]:
        station = await open_store(parse_store_url("alerts", url), redis_server.secret,
                                   lambda r: [KEY])
        try:
            subscription = station.subscribe(region)
            first = alarm_for(region, "g-start")
            await station.publish(first)  # positions the reader before anything else
            genuine = [first.id]
            with raw_client(url, redis_server.secret, decode_responses=True) as client:
                for n, step in enumerate(plan):
                    if step == "genuine":
                        genuine.append(f"g-{n:03}")
                        await station.publish(alarm_for(region, genuine[-1]))
                    else:
                        _send_junk(client, keys, step, signer)
            # the stream is delivered in order: once the last alarm is here, so is any
            # duplicate of an earlier one
            genuine.append("g-end")
            await station.publish(alarm_for(region, "g-end"))
            seen: list[str] = []
            while not seen or seen[-1] != "g-end":
                seen.append((await asyncio.wait_for(anext(subscription), 10.0)).id)
            return seen, genuine, station.channel_problem(region)
        finally:
            await station.close()

    seen, genuine, problem = asyncio.run(scenario())

    assert [i for i in seen if i.startswith("g-")] == genuine  # each once, in order
    assert problem is None  # still following
    for other in (i for i in seen if not i.startswith("g-")):
        assert other.startswith("junk-")  # a record with a harmless mutation, signed: valid


def alarm_for(region: str, alarm_id: str):
    return replace(alarm(alarm_id), region=region)
