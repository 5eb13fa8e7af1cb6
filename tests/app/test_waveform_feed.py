"""The waveform feed: one store call for all beds, only new chunks emitted, outages reported."""

from __future__ import annotations

import pytest

from app.feeds.waveforms import BACKLOG_S, WaveformFeed
from stores.errors import StoreUnavailable
from stores.model import Waveform, WaveformChunk
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

T0 = 1_750_000_000.0


def chunk(bed_id: str, start: float, waveform: Waveform = Waveform.ECG_II) -> WaveformChunk:
    return WaveformChunk(bed_id, waveform, start, waveform.rate_hz, (0.1,) * int(waveform.rate_hz // 4))


class FakeVitals:
    """In-memory `VitalsStore.waveforms`: chunks that end after `since`, oldest first."""

    def __init__(self) -> None:
        self.chunks: list[WaveformChunk] = []
        self.calls: list[tuple[list[str], float, Waveform | None]] = []
        self.down: str | None = None

    async def waveforms(self, bed_ids, since, waveform=None):
        self.calls.append((list(bed_ids), since, waveform))
        if self.down:
            raise StoreUnavailable(self.down)
        found: dict[str, list[WaveformChunk]] = {}
        for c in sorted(self.chunks, key=lambda c: c.start):
            if c.bed_id in bed_ids and c.end > since and waveform in (None, c.waveform):
                found.setdefault(c.bed_id, []).append(c)
        return found


def starts(emitted: dict) -> dict[str, list[float]]:
    return {bed: [c.start - T0 for c in chunks] for bed, chunks in emitted.items()}


def test_emits_the_backlog_then_only_new_chunks(qapp):
    store, now = FakeVitals(), [T0 + 1.0]
    store.chunks = [chunk("b1", T0 - 30), chunk("b1", T0), chunk("b1", T0 + 0.25),
                    chunk("b2", T0 + 0.25), chunk("b3", T0 + 0.25),  # b3 is not in the ward
                    chunk("b1", T0 + 0.25, Waveform.PLETH)]
    feed = WaveformFeed(store, clock=lambda: now[0])
    heard: list[dict] = []
    feed.chunks_added.connect(heard.append)
    feed.set_beds(["b1", "b2"])

    async def scenario() -> None:
        await feed.poll()
        assert store.calls == [(["b1", "b2"], T0 + 1.0 - BACKLOG_S, Waveform.ECG_II)]
        assert starts(heard[-1]) == {"b1": [0.0, 0.25], "b2": [0.25]}
        await feed.poll()  # nothing new: nothing emitted
        assert len(heard) == 1
        assert store.calls[-1][1] == chunk("b1", T0 + 0.25).end  # only what ends after what it has
        store.chunks += [chunk("b2", T0 + 0.5), chunk("b1", T0 + 0.5)]
        now[0] = T0 + 1.25
        await feed.poll()
        assert starts(heard[-1]) == {"b1": [0.5], "b2": [0.5]}
        assert all(len(call[0]) == 2 for call in store.calls)  # one call for all beds each time

    run_on_qt_loop(scenario())


def test_the_selected_bed_gets_its_kept_chunks_at_once_then_its_new_ones(qapp):
    store, now = FakeVitals(), [T0 + 1.0]
    store.chunks = [chunk("b1", T0 - 15.0), chunk("b1", T0), chunk("b2", T0)]
    feed = WaveformFeed(store, clock=lambda: now[0])
    selected: list[list[WaveformChunk]] = []
    feed.selected_chunks_added.connect(selected.append)
    feed.set_beds(["b1", "b2"])

    async def scenario() -> None:
        await feed.poll()
        assert selected == []  # no bed selected
        feed.select_bed("b1")  # the strip is filled at once, from the one fetch
        assert [[c.start - T0 for c in batch] for batch in selected] == [[-15.0, 0.0]]
        store.chunks += [chunk("b1", T0 + 0.25), chunk("b2", T0 + 0.25)]
        await feed.poll()
        assert [c.bed_id for c in selected[-1]] == ["b1"] and selected[-1][0].start == T0 + 0.25
        feed.select_bed("b2")
        assert [c.start - T0 for c in selected[-1]] == [0.0, 0.25]
        feed.select_bed(None)
        store.chunks.append(chunk("b2", T0 + 0.5))
        await feed.poll()
        assert len(selected) == 3  # nothing for no bed
        assert {call[2] for call in store.calls} == {Waveform.ECG_II}

    run_on_qt_loop(scenario())


def test_what_ended_before_the_backlog_is_forgotten(qapp):
    store, now = FakeVitals(), [T0 + 1.0]
    store.chunks = [chunk("b1", T0 + k / 4) for k in range(4)]
    feed = WaveformFeed(store, clock=lambda: now[0])
    selected: list[list] = []
    feed.selected_chunks_added.connect(selected.append)
    feed.set_beds(["b1"])

    async def scenario() -> None:
        await feed.poll()
        later = T0 + BACKLOG_S + 3.0
        store.chunks += [chunk("b1", later + k / 4) for k in range(4)]
        now[0] = later + 1.0
        await feed.poll()

    run_on_qt_loop(scenario())
    feed.select_bed("b1")  # what it keeps goes out at once
    assert [c.start - T0 for c in selected[-1]] == [BACKLOG_S + 3.0 + k / 4 for k in range(4)]


def test_a_late_chunk_is_emitted_once_it_arrives(qapp):
    store, now = FakeVitals(), [T0 + 1.0]
    store.chunks = [chunk("b1", T0), chunk("b1", T0 + 0.5), chunk("b2", T0)]
    feed = WaveformFeed(store, clock=lambda: now[0])
    heard: list[dict] = []
    feed.chunks_added.connect(heard.append)
    feed.set_beds(["b1", "b2"])

    async def scenario() -> None:
        await feed.poll()
        store.chunks.append(chunk("b1", T0 + 0.25))  # written after its successor
        await feed.poll()
        assert starts(heard[-1]) == {"b1": [0.25]}

    run_on_qt_loop(scenario())


def test_a_silent_bed_does_not_hold_back_the_others(qapp):
    store, now = FakeVitals(), [T0]
    store.chunks = [chunk("quiet", T0 - 1.0), chunk("b1", T0 - 0.25)]
    feed = WaveformFeed(store, clock=lambda: now[0])
    feed.set_beds(["b1", "quiet"])

    async def scenario() -> None:
        await feed.poll()
        now[0] = T0 + 60.0
        store.chunks.append(chunk("b1", T0 + 59.5))
        await feed.poll()
        assert store.calls[-1][1] >= T0 + 60.0 - 5.0  # not a minute of every bed again

    run_on_qt_loop(scenario())


def test_a_bed_new_to_the_ward_gets_its_backlog(qapp):
    store, now = FakeVitals(), [T0 + 1.0]
    store.chunks = [chunk("b1", T0), chunk("b2", T0)]
    feed = WaveformFeed(store, clock=lambda: now[0])
    heard: list[dict] = []
    feed.chunks_added.connect(heard.append)
    feed.set_beds(["b1"])

    async def scenario() -> None:
        await feed.poll()
        feed.set_beds(["b1", "b2"])
        await feed.poll()
        assert starts(heard[-1]) == {"b2": [0.0]}  # b1's chunk is not sent twice

    run_on_qt_loop(scenario())


def test_an_outage_is_reported_once_and_the_return_too(qapp):
    store, now = FakeVitals(), [T0 + 1.0]
    store.chunks = [chunk("b1", T0)]
    feed = WaveformFeed(store, clock=lambda: now[0])
    downs, ups, heard = [], [], []
    feed.unavailable.connect(downs.append)
    feed.available.connect(lambda: ups.append(True))
    feed.chunks_added.connect(heard.append)
    feed.set_beds(["b1"])

    async def scenario() -> None:
        store.down = "InfluxDB at localhost:8086 refused the connection"
        await feed.poll()
        await feed.poll()
        assert downs == ["InfluxDB at localhost:8086 refused the connection"] and not heard
        store.down = None
        await feed.poll()
        assert ups == [True] and starts(heard[-1]) == {"b1": [0.0]}

    run_on_qt_loop(scenario())


@pytest.mark.parametrize("woken", [False, True], ids=["by-its-clock", "woken"])
def test_the_running_feed_reads_new_chunks_by_its_clock_or_at_once_when_woken_and_stops(
        qapp, woken):
    """Woken: the simulator in the same process wakes the feed after each write (the tiles'
    head is 0.75 s behind the clock, and waiting up to a poll's 250 ms for a chunk left too
    little); its clock then never polls in this test."""
    store, now = FakeVitals(), [T0 + 1.0]
    store.chunks = [chunk("b1", T0)]
    feed = WaveformFeed(store, poll_s=3600.0 if woken else 0.01, clock=lambda: now[0])
    heard: list[dict] = []
    feed.chunks_added.connect(heard.append)

    async def scenario() -> None:
        feed.start()
        feed.set_beds(["b1"])
        await eventually(lambda: heard, 5.0, "the first chunks")
        store.chunks.append(chunk("b1", T0 + 0.25))
        if woken:
            feed.wake_up()
        await eventually(lambda: len(heard) == 2, 5.0, "the next chunk")
        assert starts(heard[1]) == {"b1": [0.25]}
        await feed.stop()
        # stopped for good: none of its loops is left to poll again
        assert all(task.done() for task in feed._tasks)  # noqa: SLF001

    run_on_qt_loop(scenario())
