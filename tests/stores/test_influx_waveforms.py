"""Waveforms and trends on InfluxDB beyond the contract: the line a chunk becomes, awkward bed
ids, buckets placed by the server's times, and waveforms never queued in the outbox."""

from __future__ import annotations

import gzip
import itertools
import math
import time

import pytest
import pytest_asyncio

from stores import STORE_NAMES, StoreConfig, open_stores
from stores.errors import StoreUnavailable, ValidationError
from stores.model import Vital, VitalSample, Waveform, WaveformChunk
from stores.urls import parse_store_url
from stores.vitals import TREND_LIMIT_S
from stores.vitals.influx.store import open_store
from stores.vitals.influx.trend import vital_query
from stores.vitals.influx.waveforms import encode_chunks
from stores.vitals.trend_buckets import bucket_plan
from stores.vitals.waveform_codec import unpack_text
from tests.servers import free_port
from tests.servers.influx import KEEP_FOR_EVER

_names = itertools.count(1)
T0 = 1_750_000_020.0
AWKWARD_BEDS = ["bed 7", "a,b", "q\"uo'te", "w\\a rd,7=\"x'", "ünï 🛏"]


@pytest_asyncio.fixture
async def store(influx_server):
    url = f"{influx_server.fresh_url(f'waves{next(_names)}')}?{KEEP_FOR_EVER}"
    opened = await open_store(parse_store_url("vitals", url), influx_server.secret)
    await opened.prepare(create=True)
    yield opened
    await opened.close()


def test_a_chunk_is_one_line_with_its_values_as_base64_float32():
    chunk = WaveformChunk("bed 7", Waveform.PLETH, T0 + 0.004, 125.0, (0.25, math.nan, -1.0))

    line = gzip.decompress(encode_chunks([chunk])).decode()

    assert line.startswith("waveform,bed=bed\\ 7,waveform=pleth rate=125.0,n=3i,values=\"")
    assert line.rsplit(" ", 1)[1] == str(int(T0 * 1000) + 4)  # the start, in ms
    packed = line.split('values="')[1].split('"')[0]
    values = unpack_text(packed)
    assert values[0] == 0.25 and math.isnan(values[1]) and values[2] == -1.0


def test_a_bad_chunk_is_refused_before_anything_is_sent():
    with pytest.raises(ValidationError) as refused:
        encode_chunks([WaveformChunk("b1", Waveform.ECG_II, T0, 0.0, (1.0,))])
    assert refused.value.field == "rate_hz"
    with pytest.raises(ValidationError):
        encode_chunks([WaveformChunk("b1\n", Waveform.ECG_II, T0, 250.0, (1.0,))])


def test_the_trend_query_moves_the_servers_buckets_to_the_plans_start():
    plan = bucket_plan(T0 + 17.5, T0 + 17.5 + 600, 100, TREND_LIMIT_S)  # 6 s buckets

    query = vital_query("b1", Vital.SPO2, plan, None)

    assert plan.bucket_s == 6
    assert f"GROUP BY time(6000ms, {int((T0 + 17.5) * 1000) % 6000}ms) fill(none)" in query
    assert '"present" & 2 = 2' in query


@pytest.mark.asyncio
async def test_awkward_bed_ids_keep_their_waveforms_and_trends(store):
    for n, bed in enumerate(AWKWARD_BEDS):
        await store.write_waveforms([WaveformChunk(bed, Waveform.ECG_II, T0, 250.0, (n,) * 4)])
        await store.write([VitalSample(bed, T0 + 1, heart_rate=60.0 + n)])

    found = await store.waveforms(AWKWARD_BEDS, T0 - 1)

    assert {bed: chunks[0].values[0] for bed, chunks in found.items()} == {
        bed: float(n) for n, bed in enumerate(AWKWARD_BEDS)}
    for n, bed in enumerate(AWKWARD_BEDS):
        trend = await store.trend(bed, T0, T0 + 60, 1)
        assert trend.highest[Vital.HEART_RATE] == (60.0 + n,)


@pytest.mark.asyncio
async def test_a_week_trend_moves_at_most_the_asked_buckets(store):
    week = 7 * 86400
    await store.write([VitalSample("b1", T0 + s, heart_rate=60.0 + s % 50)
                       for s in range(0, week, 97)])

    trend = await store.trend("b1", T0, T0 + week, 800)

    assert trend.buckets <= 800 and trend.bucket_s == 1200  # 13 minutes, widened to 20
    filled = [v for v in trend.highest[Vital.HEART_RATE] if v is not None]
    assert len(filled) == trend.buckets and max(filled) == 109.0


@pytest.mark.asyncio
async def test_waveforms_are_never_queued_while_the_server_is_down(tmp_path):
    url = f"influxdb://127.0.0.1:{free_port()}/nobody"
    urls = dict.fromkeys(STORE_NAMES, "embedded") | {"vitals": url}
    stores = await open_stores(StoreConfig(data_dir=tmp_path / "station", urls=urls))
    try:
        chunk = WaveformChunk("b1", Waveform.ECG_II, T0, 250.0, (0.1,) * 63)
        with pytest.raises(StoreUnavailable, match="connection refused"):
            await stores.vitals.write_waveforms([chunk])
        assert await stores.vitals.courier.counts() == (0, 0)

        await stores.vitals.write([VitalSample("b1", T0, heart_rate=70.0)])  # samples wait
        assert await stores.vitals.courier.counts() == (1, 0)
        with pytest.raises(StoreUnavailable):  # reads go to the store, as ever
            await stores.vitals.trend("b1", T0, T0 + 60, 10)
        with pytest.raises(StoreUnavailable):
            await stores.vitals.waveforms(["b1"], T0)
    finally:
        await stores.close()


@pytest.mark.asyncio
async def test_waveforms_go_to_a_short_policy_of_their_own(influx_server):
    """By default waveforms are kept an hour, in a policy of their own; the vitals keep theirs."""
    if influx_server.v2:
        pytest.skip("reads the 1.x retention policies")
    url = parse_store_url("vitals", influx_server.fresh_url(f"waves{next(_names)}"))
    store = await open_store(url, influx_server.secret)
    try:
        missing = await store.prepare(create=True)
        assert "retention policy 'ward_waveforms' for waveforms" in missing[-1]
        assert await store.prepare() == []

        now = round(time.time(), 3)  # a one-hour policy refuses older points
        await store.write_waveforms([WaveformChunk("b1", Waveform.ECG_II, now, 250.0, (1.0,))])
        await store.write([VitalSample("b1", now - 86400, heart_rate=70.0)])

        assert list(await store.waveforms(["b1"], now - 1)) == ["b1"]
        live = influx_server.run(f'SELECT count(n) FROM "{url.path}"."ward_waveforms"."waveform"')
        raw = influx_server.run(f'SELECT count(n) FROM "{url.path}"."ward_raw"."waveform"')
        assert live.endswith(b',1]]}]}]}\n') and b"series" not in raw
        assert (await store.latest(["b1"]))["b1"].heart_rate == 70.0
    finally:
        await store.close()
