"""The selected bed's trend and waveform feeds, against an in-memory vitals store."""

from __future__ import annotations

import asyncio

from app.feeds.selected_waveforms import SelectedWaveformsFeed
from app.feeds.trends import TrendFeed
from stores.errors import StoreUnavailable
from stores.model import (
    HealthState,
    StoreHealth,
    Vital,
    VitalTrend,
    Waveform,
    WaveformChunk,
)
from stores.vitals import VitalsStore
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

T0 = 1_750_000_000.0


class FakeVitals(VitalsStore):
    """Trends answer when their gate opens (tests decide the order); waveforms from a list."""

    def __init__(self) -> None:
        self.asked: list[tuple] = []
        self.answered = 0  # trends sent back: the feed has dealt with each once it counts
        self.gates: dict[str, asyncio.Event] = {}
        self.chunks: list[WaveformChunk] = []
        self.down = False

    async def trend(self, bed_id, start, end, buckets):
        self.asked.append((bed_id, start, end, buckets))
        if self.down:
            raise StoreUnavailable("cannot reach influx:8086")
        await self.gates.setdefault(bed_id, asyncio.Event()).wait()
        means = {v: (70.0,) * buckets for v in Vital}
        self.answered += 1
        return VitalTrend(bed_id, start, end, (end - start) / buckets, means, means, means)

    async def waveforms(self, bed_ids, since, waveform=None):
        self.asked.append(("waveforms", tuple(bed_ids), waveform))
        found: dict[str, list[WaveformChunk]] = {}
        for chunk in sorted(self.chunks, key=lambda c: c.start):
            if chunk.bed_id in bed_ids and chunk.end > since and waveform in (None, chunk.waveform):
                found.setdefault(chunk.bed_id, []).append(chunk)
        return found

    async def write(self, samples): ...
    async def write_waveforms(self, chunks): ...
    async def latest(self, bed_ids): return {}
    async def history(self, bed_id, start, end): return []
    async def recent(self, bed_ids, since): return {}
    async def health(self): return StoreHealth("vitals", "fake", HealthState.UP)
    async def close(self): ...


def with_trend_feed(body) -> None:
    async def scenario() -> None:
        store = FakeVitals()
        feed = TrendFeed(store)
        loaded: list[VitalTrend] = []
        feed.trend_loaded.connect(loaded.append)
        feed.start()
        try:
            await body(store, feed, loaded)
        finally:
            await feed.stop()

    run_on_qt_loop(scenario(), timeout_s=20)


def test_a_trend_is_asked_for_with_the_charts_buckets_and_emitted(qapp):
    async def body(store, feed, loaded):
        feed.select_bed("bed-1")
        feed.request_range(T0 - 86400, T0, 736)
        store.gates.setdefault("bed-1", asyncio.Event()).set()
        await eventually(lambda: loaded, 5, "the trend")
        assert store.asked == [("bed-1", T0 - 86400, T0, 736)]
        assert loaded[0].buckets == 736

    with_trend_feed(body)


def test_an_answer_to_a_superseded_request_is_dropped(qapp):
    async def body(store, feed, loaded):
        feed.request_trend("bed-1", T0 - 7 * 86400, T0, 736)  # slow: its gate stays shut
        await eventually(lambda: store.asked, 5, "the first query")
        feed.request_trend("bed-2", T0 - 3600, T0, 736)  # the user chose another range
        feed.request_trend("bed-2", T0 - 8 * 3600, T0, 736)  # ... and another, at once
        store.gates.setdefault("bed-1", asyncio.Event()).set()
        store.gates.setdefault("bed-2", asyncio.Event()).set()
        await eventually(lambda: store.answered == 2, 5, "both answers")
        assert [(t.bed_id, t.start) for t in loaded] == [("bed-2", T0 - 8 * 3600)]
        assert [a[2] - a[1] for a in store.asked] == [7 * 86400, 8 * 3600]  # 1 h never asked

    with_trend_feed(body)


def test_a_trend_of_a_bed_no_longer_selected_is_dropped(qapp):
    async def body(store, feed, loaded):
        feed.select_bed("bed-1")
        feed.request_range(T0 - 3600, T0, 500)
        await eventually(lambda: store.asked, 5, "the query")
        feed.select_bed("bed-2")
        store.gates.setdefault("bed-1", asyncio.Event()).set()
        await eventually(lambda: store.answered, 5, "the answer")
        assert loaded == []

    with_trend_feed(body)


def test_a_store_that_cannot_be_reached_is_reported(qapp):
    async def body(store, feed, loaded):
        down: list[str] = []
        feed.unavailable.connect(down.append)
        store.down = True
        feed.request_trend("bed-1", T0 - 3600, T0, 500)
        await eventually(lambda: down, 5, "the report")
        assert down == ["cannot reach influx:8086"] and loaded == []

    with_trend_feed(body)


# --- waveforms --------------------------------------------------------------------------------


def ecg(bed: str, start: float) -> WaveformChunk:
    return WaveformChunk(bed, Waveform.ECG_II, start, 250.0, (0.1,) * 62)


def pleth(bed: str, start: float) -> WaveformChunk:
    return WaveformChunk(bed, Waveform.PLETH, start, 125.0, (0.5,) * 31)


def test_the_selected_beds_pleth_comes_once_each_and_a_previous_beds_never(qapp):
    async def scenario() -> None:
        store = FakeVitals()
        now = [T0]
        feed = SelectedWaveformsFeed(store, poll_s=0.05, clock=lambda: now[0])
        added: list[list[WaveformChunk]] = []
        feed.waveforms_added.connect(added.append)
        store.chunks = [pleth("bed-1", T0 - 60), pleth("bed-1", T0 - 0.5),
                        pleth("bed-2", T0 - 0.5), ecg("bed-1", T0 - 0.5)]
        feed.start()
        try:
            feed.select_bed("bed-1")
            await eventually(lambda: added, 5, "the first chunks")
            assert [c.start for c in added[0]] == [T0 - 0.5]  # the backlog, not the last hour
            store.chunks.append(pleth("bed-1", T0 - 0.25))
            await eventually(lambda: len(added) == 2, 5, "the next chunk")
            polls = len(store.asked)
            await eventually(lambda: len(store.asked) >= polls + 2, 5, "a poll with nothing new")
            assert [[c.start for c in batch] for batch in added] == [[T0 - 0.5], [T0 - 0.25]]
            feed.select_bed("bed-2")
            await eventually(lambda: len(added) == 3, 5, "the other bed's chunks")
            assert {c.bed_id for c in added[2]} == {"bed-2"}
            # the ECG is the ward's waveform feed's: this one never asks for it
            assert {call[2] for call in store.asked if call[0] == "waveforms"} == {Waveform.PLETH}
        finally:
            await feed.stop()

    run_on_qt_loop(scenario(), timeout_s=20)
