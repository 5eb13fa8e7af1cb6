"""Contract of VitalsStore: what every vitals backend must do."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stores.errors import ValidationError
from stores.model import HealthState, Vital, VitalSample, Waveform, WaveformChunk
from stores.vitals import CHUNK_LIMIT_S, TREND_LIMIT_S

pytestmark = pytest.mark.asyncio
STORE = "vitals"


def sample(bed_id: str, time: float, heart_rate: float | None = 70.0, **vitals) -> VitalSample:
    return VitalSample(bed_id, time, heart_rate=heart_rate, **vitals)


async def test_latest_is_the_newest_sample_of_each_bed_whatever_the_write_order(stores):
    await stores.vitals.write(
        [sample("b1", 20.0, 80), sample("b2", 5.0, 60), sample("b1", 10.0, 70)]
    )

    latest = await stores.vitals.latest(["b1", "b2"])

    assert latest == {"b1": sample("b1", 20.0, 80), "b2": sample("b2", 5.0, 60)}


async def test_latest_leaves_out_beds_without_data(stores):
    await stores.vitals.write([sample("b1", 1.0)])

    assert await stores.vitals.latest(["b1", "empty-bed"]) == {"b1": sample("b1", 1.0)}
    assert await stores.vitals.latest([]) == {}


async def test_latest_of_many_beds(stores):
    beds = [f"bed-{n:02d}" for n in range(40)]
    await stores.vitals.write([sample(bed, t, 60 + t) for bed in beds for t in (1.0, 2.0, 3.0)])

    latest = await stores.vitals.latest(iter(beds))  # any iterable, not only a list

    assert sorted(latest) == beds
    assert all(s.time == 3.0 and s.heart_rate == 63.0 for s in latest.values())


async def test_a_sample_keeps_every_vital_and_missing_ones_stay_none(stores):
    full = VitalSample("b1", 1.5, 72, 98, 16, 120, 80, 93, 36.8)
    partial = VitalSample("b2", 1.5, spo2=91.0)
    await stores.vitals.write([full, partial])

    assert await stores.vitals.latest(["b1", "b2"]) == {"b1": full, "b2": partial}


async def test_rewriting_a_bed_and_time_replaces_the_sample(stores):
    await stores.vitals.write([sample("b1", 1.0, 70, spo2=95.0)])
    await stores.vitals.write([sample("b1", 1.0, 90)])

    assert await stores.vitals.history("b1", 0.0, 10.0) == [sample("b1", 1.0, 90)]


async def test_history_is_half_open_and_oldest_first(stores):
    await stores.vitals.write([sample("b1", t) for t in (40.0, 10.0, 30.0, 20.0, 50.0)])
    await stores.vitals.write([sample("b2", 30.0)])

    history = await stores.vitals.history("b1", 20.0, 40.0)

    assert [s.time for s in history] == [20.0, 30.0]
    assert all(s.bed_id == "b1" for s in history)


async def test_history_of_a_bed_without_data_is_empty(stores):
    assert await stores.vitals.history("nobody", 0.0, 100.0) == []


async def test_recent_gives_each_bed_its_samples_newer_than_since(stores):
    await stores.vitals.write([sample("b1", t) for t in (3.0, 1.0, 2.0)] + [sample("b2", 1.0)])

    recent = await stores.vitals.recent(["b1", "b2", "b3"], since=1.0)

    assert recent == {"b1": [sample("b1", 2.0), sample("b1", 3.0)]}


async def test_writing_nothing_is_allowed(stores):
    await stores.vitals.write([])

    assert await stores.vitals.latest(["b1"]) == {}


async def test_samples_survive_a_restart(stores, reopen):
    await stores.vitals.write([sample("b1", 1.0), sample("b1", 2.0, 88)])

    stores = await reopen(stores)

    assert await stores.vitals.history("b1", 0.0, 3.0) == [sample("b1", 1.0), sample("b1", 2.0, 88)]


async def test_health_is_up_with_a_latency(stores):
    health = await stores.vitals.health()

    assert (health.store, health.state) == ("vitals", HealthState.UP)
    assert health.latency_ms is not None and health.latency_ms >= 0


# --- waveforms ---------------------------------------------------------------------------------

T0 = 1_750_000_020.0  # on a whole minute; chunk times are whole milliseconds (InfluxDB keeps ms)


def ecg(bed_id: str, start: float, values=(0.1, -0.2, 1.5, math.nan), rate=250.0,
        waveform=Waveform.ECG_II) -> WaveformChunk:
    return WaveformChunk(bed_id, waveform, start, rate, tuple(values))


def quarters(bed_id: str, start: float, count: int, waveform=Waveform.ECG_II):
    """`count` chunks of 250 ms one after the other, as the simulator writes them."""
    n = int(waveform.rate_hz / 4)
    return [WaveformChunk(bed_id, waveform, start + i * 0.25, waveform.rate_hz,
                          tuple(math.sin(i + k / 10) for k in range(n))) for i in range(count)]


def same_chunks(found: list[WaveformChunk], written: list[WaveformChunk]) -> bool:
    """Equal but for the values' precision: stores keep float32 (NaN stays NaN)."""
    def key(chunk):
        return (chunk.bed_id, chunk.waveform, chunk.start, chunk.rate_hz)

    return [key(c) for c in found] == [key(c) for c in written] and all(
        np.array_equal(np.float32(f.values), np.float32(w.values), equal_nan=True)
        for f, w in zip(found, written))


async def test_waveform_chunks_round_trip_as_float32_with_nan_as_no_signal(stores):
    written = [ecg("b1", T0, (0.1, -0.2, 1.5, math.nan, 1e-7, 3.25)),
               ecg("b1", T0 + 0.5, (0.5,) * 50, rate=125.0, waveform=Waveform.PLETH)]
    await stores.vitals.write_waveforms(written)

    found = await stores.vitals.waveforms(["b1"], since=0.0)

    assert list(found) == ["b1"]
    assert same_chunks(found["b1"], written)
    assert math.isnan(found["b1"][0].values[3])
    assert isinstance(found["b1"][0].values, tuple)


async def test_waveforms_are_the_chunks_that_end_after_since_oldest_first(stores):
    chunks = quarters("b1", T0, 4)  # T0 .. T0 + 1.0 in quarters
    await stores.vitals.write_waveforms(list(reversed(chunks)))

    # The first chunk ends at T0 + 0.25: not after. The one at T0 + 0.5 holds since: kept.
    assert same_chunks((await stores.vitals.waveforms(["b1"], T0 + 0.25))["b1"], chunks[1:])
    assert same_chunks((await stores.vitals.waveforms(["b1"], T0 + 0.6))["b1"], chunks[2:])
    assert await stores.vitals.waveforms(["b1"], T0 + 1.0) == {}


async def test_waveforms_of_one_kind_or_all_and_beds_without_any_left_out(stores):
    ecg_chunks, pleth = quarters("b1", T0, 2), quarters("b1", T0 + 0.1, 2, Waveform.PLETH)
    await stores.vitals.write_waveforms(ecg_chunks + pleth + quarters("b2", T0, 1))

    only_pleth = await stores.vitals.waveforms(iter(["b1", "b3"]), T0, Waveform.PLETH)
    both = await stores.vitals.waveforms(["b1"], T0)

    assert list(only_pleth) == ["b1"] and same_chunks(only_pleth["b1"], pleth)
    assert [(c.waveform, round(c.start - T0, 3)) for c in both["b1"]] == [
        (Waveform.ECG_II, 0.0), (Waveform.PLETH, 0.1), (Waveform.ECG_II, 0.25),
        (Waveform.PLETH, 0.35)]
    assert await stores.vitals.waveforms([], T0) == {}


async def test_rewriting_a_chunk_replaces_it(stores):
    await stores.vitals.write_waveforms([ecg("b1", T0, (1.0, 2.0, 3.0))])
    await stores.vitals.write_waveforms([ecg("b1", T0, (4.0,))])

    found = await stores.vitals.waveforms(["b1"], T0 - 1)

    assert same_chunks(found["b1"], [ecg("b1", T0, (4.0,))])


async def test_a_chunk_longer_than_the_limit_is_refused_and_nothing_is_written(stores):
    too_long = ecg("b1", T0 + 1, (0.0,) * int(CHUNK_LIMIT_S * 250 + 1))
    with pytest.raises(ValidationError) as refused:
        await stores.vitals.write_waveforms([ecg("b1", T0), too_long])

    assert refused.value.field == "values"
    assert await stores.vitals.waveforms(["b1"], 0.0) == {}
    await stores.vitals.write_waveforms([])  # nothing is allowed


# --- trends ------------------------------------------------------------------------------------

HOUR = 3600


def hour_of_70_with_a_spike(bed_id: str, spike_at: float) -> list[VitalSample]:
    """An hour of 1 Hz samples from T0, HR 70 but one second of 180, SpO2 97 throughout."""
    return [VitalSample(bed_id, T0 + s, heart_rate=180.0 if T0 + s == spike_at else 70.0,
                        spo2=97.0) for s in range(HOUR)]


def bucket_of(trend, time: float) -> int:
    return int((time - trend.start) // trend.bucket_s)


@pytest.mark.parametrize("buckets", [60, 360, 1000, 7])  # minutes, 10 s, 4 s, 9 min
async def test_a_one_second_spike_survives_as_the_max_of_its_bucket(stores, buckets):
    spike = T0 + 1234
    await stores.vitals.write(hour_of_70_with_a_spike("b1", spike))

    trend = await stores.vitals.trend("b1", T0, T0 + HOUR, buckets)

    hr = Vital.HEART_RATE
    at = bucket_of(trend, spike)
    assert trend.buckets <= buckets and trend.start <= T0
    assert trend.highest[hr][at] == 180.0
    assert all(high == 70.0 for i, high in enumerate(trend.highest[hr]) if i != at)
    assert set(trend.lowest[hr]) == {70.0}
    samples_in_spike_bucket = trend.bucket_s  # 1 Hz, and the bucket lies inside the hour
    assert trend.mean[hr][at] == pytest.approx(
        (70.0 * (samples_in_spike_bucket - 1) + 180.0) / samples_in_spike_bucket)
    assert set(trend.mean[Vital.SPO2]) == {97.0}
    assert set(trend.mean[Vital.NIBP_SYS]) == {None}  # a vital never measured: all gaps


@pytest.mark.parametrize("offset", [0.0, 17.5, 59.0])
async def test_buckets_are_where_the_trend_says_whatever_the_start(stores, offset):
    """Buckets of whole minutes start on a minute (up to 59 s before the start asked for);
    whatever the store chose, each value lies in the bucket the trend's start and width name."""
    start = T0 + offset
    samples = [VitalSample("b1", start + s, heart_rate=float(s % 200)) for s in range(0, 7200, 7)]
    await stores.vitals.write(samples)

    for buckets in (100, 30, 500):
        trend = await stores.vitals.trend("b1", start, start + 7200, buckets)
        assert trend.buckets <= buckets
        assert trend.start <= start < trend.start + 60 and trend.bucket_s == int(trend.bucket_s)
        assert trend.start + trend.buckets * trend.bucket_s >= start + 7200
        expected: dict[int, list[float]] = {}
        for s in samples:
            expected.setdefault(bucket_of(trend, s.time), []).append(s.heart_rate)
        highest = trend.highest[Vital.HEART_RATE]
        assert {i: highest[i] for i in expected} == {i: max(v) for i, v in expected.items()}
        assert all(highest[i] is None for i in range(trend.buckets) if i not in expected)


async def test_samples_outside_the_range_stay_out_of_the_trend(stores):
    await stores.vitals.write([VitalSample("b1", T0 + s, heart_rate=hr) for s, hr in
                               ((-1, 200.0), (0, 60.0), (119, 61.0), (119.75, 300.0))])

    trend = await stores.vitals.trend("b1", T0, T0 + 119.5, 2)  # two buckets of a minute
    whole = await stores.vitals.trend("b1", T0, T0 + 120, 2)

    assert (trend.start, trend.bucket_s, trend.buckets) == (T0, 60.0, 2)
    assert trend.highest[Vital.HEART_RATE] == (60.0, 61.0)
    assert whole.highest[Vital.HEART_RATE] == (60.0, 300.0)


async def test_a_range_without_data_is_an_empty_trend_not_an_error(stores):
    await stores.vitals.write([VitalSample("b1", T0, heart_rate=70.0)])

    for bed, start in (("b1", T0 + 10), ("nobody", T0 - HOUR)):
        trend = await stores.vitals.trend(bed, start, start + HOUR, 100)
        assert trend.empty and trend.bed_id == bed and 0 < trend.buckets <= 100
        assert trend.clipped_from is None
    backwards = await stores.vitals.trend("b1", T0 + 10, T0, 100)
    assert backwards.empty and backwards.buckets == 0


async def test_a_range_longer_than_the_limit_is_clipped_to_its_end(stores):
    end = T0 + HOUR
    asked = end - TREND_LIMIT_S - 10 * 86400
    await stores.vitals.write([VitalSample("b1", asked + 60, heart_rate=250.0),  # clipped away
                               VitalSample("b1", T0, heart_rate=70.0)])

    trend = await stores.vitals.trend("b1", asked, end, 500)

    assert trend.clipped_from == asked
    assert end - TREND_LIMIT_S - 600 < trend.start <= end - TREND_LIMIT_S  # on ten minutes
    assert trend.buckets <= 500 and trend.end == end
    assert max(v for v in trend.highest[Vital.HEART_RATE] if v is not None) == 70.0


async def test_invalid_values_are_stored_as_missing_and_stay_out_of_the_trend(stores):
    await stores.vitals.write([
        VitalSample("b1", T0, heart_rate=900.0, spo2=math.nan, temperature=37.0),
        VitalSample("b1", T0 + 1, heart_rate=72.0, spo2=96.0, resp_rate=-3.0),
        VitalSample("b1", T0 + 2, heart_rate=math.inf, spo2=101.0),
    ])

    history = await stores.vitals.history("b1", T0, T0 + 10)
    trend = await stores.vitals.trend("b1", T0, T0 + 60, 1)

    assert history == [VitalSample("b1", T0, temperature=37.0),
                       VitalSample("b1", T0 + 1, heart_rate=72.0, spo2=96.0),
                       VitalSample("b1", T0 + 2)]
    assert (trend.lowest[Vital.HEART_RATE], trend.highest[Vital.HEART_RATE]) == ((72.0,), (72.0,))
    assert trend.highest[Vital.SPO2] == (96.0,) and trend.mean[Vital.RESP_RATE] == (None,)


async def test_a_rewritten_sample_replaces_its_values_in_the_trend(stores):
    await stores.vitals.write([VitalSample("b1", T0 + 5, heart_rate=150.0, spo2=80.0)])
    await stores.vitals.write([VitalSample("b1", T0 + 5, heart_rate=75.0)])

    for buckets in (1, 12):  # a minute bucket (rollups) and 5 s buckets (samples)
        trend = await stores.vitals.trend("b1", T0, T0 + 60, buckets)
        at = bucket_of(trend, T0 + 5)
        assert trend.highest[Vital.HEART_RATE][at] == 75.0
        assert trend.highest[Vital.SPO2][at] is None


async def test_trends_survive_a_restart(stores, reopen):
    await stores.vitals.write(hour_of_70_with_a_spike("b1", T0 + 10))

    stores = await reopen(stores)

    trend = await stores.vitals.trend("b1", T0, T0 + HOUR, 60)
    assert trend.highest[Vital.HEART_RATE][0] == 180.0


async def test_the_simulators_mark_is_kept_on_samples_and_waveforms(stores):
    await stores.vitals.write([sample("b1", 100.0, simulated=True), sample("b2", 100.0)])
    await stores.vitals.write_waveforms([
        WaveformChunk("b1", Waveform.PLETH, 100.0, 125.0, (0.5,) * 25, simulated=True),
        WaveformChunk("b2", Waveform.PLETH, 100.0, 125.0, (0.5,) * 25)])

    latest = await stores.vitals.latest(["b1", "b2"])
    assert (latest["b1"].simulated, latest["b2"].simulated) == (True, False)
    assert [s.simulated for s in await stores.vitals.history("b1", 0.0, 200.0)] == [True]
    assert [s.simulated for s in (await stores.vitals.recent(["b2"], 0.0))["b2"]] == [False]
    chunks = await stores.vitals.waveforms(["b1", "b2"], 0.0)
    assert [c.simulated for c in chunks["b1"]] == [True]
    assert [c.simulated for c in chunks["b2"]] == [False]
