"""InfluxDB history from rollups, on a real influxd with the retention policies `check --init`
creates by default: trends of whole minutes agree with the embedded store's (random writes,
rewrites included), points older than the raw policy keeps still count, and the policies keep
what they should for as long as they should."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import math
import time
import uuid

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stores.embedded_db import EmbeddedDb
from stores.model import Vital, VitalSample, VitalTrend
from stores.urls import parse_store_url
from stores.vitals import TREND_LIMIT_S
from stores.vitals.embedded import EmbeddedVitalsStore
from stores.vitals.influx.rollup import pack_counts, unpack_counts
from stores.vitals.influx.rollup_trend import BucketTotals
from stores.vitals.influx.store import open_store
from stores.vitals.trend_buckets import TrendBuilder, bucket_plan

_names = itertools.count(1)
DAY = 86400.0
NOW = float(math.floor(time.time() / 600) * 600)  # on ten minutes: buckets line up exactly


@pytest_asyncio.fixture
async def influx(influx_server):
    """A store on a database of its own, prepared as `check --init` does, with the defaults."""
    url = parse_store_url("vitals", influx_server.fresh_url(f"roll{next(_names)}"))
    store = await open_store(url, influx_server.secret)
    await store.prepare(create=True)
    yield store
    await store.close()


@pytest_asyncio.fixture
async def embedded(tmp_path):
    db = await EmbeddedDb.open(tmp_path / "oracle.sqlite3")
    yield EmbeddedVitalsStore(db)
    await db.close()


def policies(influx_server, database: str) -> dict[str, str]:
    answer = json.loads(influx_server.run(f'SHOW RETENTION POLICIES ON "{database}"'))
    return {row[0]: row[1] for row in answer["results"][0]["series"][0]["values"]}


def assert_same_trend(found: VitalTrend, expected: VitalTrend) -> None:
    assert (found.start, found.bucket_s, found.buckets) == (
        expected.start, expected.bucket_s, expected.buckets)
    for vital in Vital:
        assert found.lowest[vital] == expected.lowest[vital], vital
        assert found.highest[vital] == expected.highest[vital], vital
        for index, (mean, wanted) in enumerate(zip(found.mean[vital], expected.mean[vital])):
            assert (mean is None) == (wanted is None) and (
                mean is None or math.isclose(mean, wanted, rel_tol=1e-9)), (
                vital, index, found.start + index * found.bucket_s)


@pytest.mark.asyncio
async def test_check_init_creates_the_three_policies_each_keeping_its_time(influx,
                                                                           influx_server):
    if influx_server.v2:
        pytest.skip("reads the 1.x retention policies")
    assert policies(influx_server, influx.inner._http.database) == {
        "autogen": "0s", "ward_raw": "72h0m0s", "ward_minutes": "744h0m0s",
        "ward_waveforms": "1h0m0s"}
    assert await influx.prepare() == []


@pytest.mark.asyncio
async def test_a_week_is_read_from_the_rollups_where_the_raw_points_are_gone(influx, embedded):
    """Four samples a minute for a week: the older half is beyond the raw policy (the server
    drops it, the write still succeeds), yet the week's trend is whole and the same as the
    embedded store's."""
    week = [VitalSample("b1", NOW - 7 * DAY + s, heart_rate=60.0 + (s // 15) % 70,
                        spo2=None if s % 3600 == 0 else 90.0 + (s // 60) % 10)
            for s in range(0, int(7 * DAY), 15)]
    for begin in range(0, len(week), 10_007):  # calls that cut minutes in two
        await influx.write(week[begin:begin + 10_007])
        await embedded.write(week[begin:begin + 10_007])

    assert await influx.history("b1", NOW - 6 * DAY, NOW - 5 * DAY) == []  # raw: gone
    assert len(await influx.history("b1", NOW - DAY, NOW - DAY + 60)) == 4  # raw: kept
    for span, buckets in ((7 * DAY, 720), (DAY, 720), (6 * 3600, 50)):
        found = await influx.trend("b1", NOW - span, NOW, buckets)
        assert_same_trend(found, await embedded.trend("b1", NOW - span, NOW, buckets))
        assert all(v is not None for v in found.mean[Vital.HEART_RATE])


@pytest.mark.asyncio
async def test_a_rewritten_sample_replaces_its_values_in_every_rollup(influx, embedded):
    minute = [VitalSample("b1", NOW - 3600 + s, heart_rate=180.0 if s == 30 else 70.0)
              for s in range(60)]
    rewrites = [[VitalSample("b1", NOW - 3600 + 30, heart_rate=75.0)],
                [VitalSample("b1", NOW - 3600 + 30, spo2=97.0)]]  # and then no heart rate
    for store in (influx, embedded):
        await store.write(minute)
    for rewrite in rewrites:
        for store in (influx, embedded):
            await store.write(rewrite)
        for span, buckets in ((2 * 3600, 120), (DAY, 100)):  # minutes, then ten minutes
            found = await influx.trend("b1", NOW - span, NOW, buckets)
            assert_same_trend(found, await embedded.trend("b1", NOW - span, NOW, buckets))
            assert max(v for v in found.highest[Vital.HEART_RATE] if v is not None) < 180.0
    found = await influx.trend("b1", NOW - 2 * 3600, NOW, 120)
    assert 97.0 in found.highest[Vital.SPO2]


@pytest.mark.asyncio
async def test_a_vital_rewritten_away_from_a_whole_minute_leaves_no_trace(influx, embedded):
    """The minute's only heart rate is rewritten without it: no old min or max of that minute
    may reach a bucket that spans it and a minute with values."""
    at = NOW - 7200
    for store in (influx, embedded):
        await store.write([VitalSample("b1", at, heart_rate=200.0)] + [
            VitalSample("b1", at + 60 + s, heart_rate=70.0) for s in range(60)])
        await store.write([VitalSample("b1", at, spo2=95.0)])

    for span, buckets in ((3 * 3600, 90), (DAY, 100)):  # 2 minute buckets, then 20 minutes
        found = await influx.trend("b1", NOW - span, NOW, buckets)
        assert_same_trend(found, await embedded.trend("b1", NOW - span, NOW, buckets))
        assert {v for v in found.highest[Vital.HEART_RATE] if v is not None} == {70.0}


@pytest.mark.asyncio
async def test_the_minute_the_end_cuts_counts_only_what_came_before_it(influx):
    await influx.write([VitalSample("b1", NOW - 60 + s, heart_rate=float(40 + s))
                        for s in range(60)])

    trend = await influx.trend("b1", NOW - 3600 - 30, NOW - 30, 61)

    assert trend.bucket_s == 60 and trend.highest[Vital.HEART_RATE][-1] == 69.0


SAMPLE = st.builds(
    lambda offset, heart_rate, spo2: VitalSample("b", NOW - 5 * DAY + offset, heart_rate,
                                                 spo2),
    st.integers(0, 2400),
    st.none() | st.floats(0, 400) | st.just(math.nan) | st.just(-5.0),
    st.none() | st.floats(50, 100))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(writes=st.lists(st.lists(SAMPLE, min_size=1, max_size=40), min_size=1, max_size=4),
       recent=st.booleans())
@example(writes=[[VitalSample("b", NOW - 5 * DAY + 59, 70.0)],
                 [VitalSample("b", NOW - 5 * DAY + 59, None, 97.0)]], recent=False)
def test_random_writes_give_the_embedded_stores_trends(influx_server, tmp_path, writes,
                                                       recent):
    """Random samples (invalid values, rewrites, calls that split minutes), written some days
    ago (beyond the raw policy) or today: every trend of whole minutes is the embedded one."""
    shift = 5 * DAY - 3600 if recent else 0.0
    bed = uuid.uuid4().hex[:8]
    writes = [[VitalSample(bed, s.time + shift, s.heart_rate, s.spo2) for s in batch]
              for batch in writes]
    start = NOW - 5 * DAY + shift - 600

    async def scenario() -> list[tuple[VitalTrend, VitalTrend]]:
        url = parse_store_url("vitals", influx_server.fresh_url(f"rand{next(_names)}"))
        influx = await open_store(url, influx_server.secret)
        db = await EmbeddedDb.open(tmp_path / f"{bed}.sqlite3")
        try:
            await influx.prepare(create=True)
            embedded = EmbeddedVitalsStore(db)
            for batch in writes:
                await influx.write(batch)
                await embedded.write(batch)
            return [(await influx.trend(bed, start, start + span, buckets),
                     await embedded.trend(bed, start, start + span, buckets))
                    for span, buckets in ((3600, 60), (3600 + 1234.5, 30), (4 * 3600, 24))]
        finally:
            await influx.close()
            await db.close()

    for found, expected in asyncio.run(scenario()):
        assert_same_trend(found, expected)


@given(packed=st.one_of(st.none(), st.integers(), st.text(max_size=400),
                        st.binary(max_size=300).map(lambda b: base64.b64encode(b).decode())))
def test_packed_counts_from_a_server_are_read_whole_or_left_out(packed):
    """Whatever a server answers in `packed`, a trend takes it as 7 vitals' counts or leaves the
    row out (counted), never raises and never reads a part."""
    plan = bucket_plan(NOW - 3600, NOW, 60, TREND_LIMIT_S)
    totals = BucketTotals(plan)
    good = pack_counts([70.0, 80.0, 450.0, 6.0] + [1e300, -1e300, 0.0, 0.0] * 6)
    rows = [[(NOW - 120) * 1000, good], [(NOW - 60) * 1000, packed]]

    left_out = totals.add_rollups([{"series": [{"columns": ["time", "packed"], "values": rows}]}])

    unpacked = unpack_counts(packed)
    assert unpacked is None or unpacked.shape == (len(Vital), 4)
    assert left_out == (unpacked is None)
    builder = TrendBuilder("b1", plan)
    totals.into(builder)
    assert builder.build().mean[Vital.HEART_RATE][-2] == 75.0
