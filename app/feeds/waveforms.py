"""Waveform feed: every bed's new ECG chunks, a few times a second, for the tiles' sweeps and the
selected bed's strip: the one fetch of the ward's ECG."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot

from app.feeds.base import Feed
from stores.model import Waveform, WaveformChunk
from stores.vitals import VitalsStore

POLL_S = 0.25  # the simulator writes 250 ms chunks: one poll per chunk
# Asked for at start (or for a bed new to the ward) and kept per bed: the selected bed's strip,
# as wide as the widest sweep, is filled at once when a bed is selected.
BACKLOG_S = 20.0
LIVE_S = 3.0  # a bed silent for longer no longer holds back what the poll asks for


class WaveformFeed(Feed):
    """Polls the vitals store for the ward's ECG II chunks, all beds in one call, and emits
    `chunks_added({bed_id: [chunk, ...]})` with only the chunks it has not emitted before, and
    the selected bed's in `selected_chunks_added`: those it keeps when the bed is selected,
    then its new ones."""
    title = "Live waveforms"

    chunks_added = Signal(object)  # dict[bed_id, list[WaveformChunk]], oldest first
    selected_chunks_added = Signal(object)  # list[WaveformChunk] of the selected bed, oldest first

    def __init__(self, store: VitalsStore, poll_s: float = POLL_S,
                 clock: Callable[[], float] = time.time,
                 waveform: Waveform = Waveform.ECG_II) -> None:
        super().__init__()
        self._store, self._poll_s, self._clock, self._waveform = store, poll_s, clock, waveform
        self._bed_ids: list[str] = []
        self._seen: dict[str, dict[float, WaveformChunk]] = {}  # per bed: chunks emitted, by start
        # per bed: the end of the newest chunk emitted (kept as they come: each poll asks for
        # it, and a walk over every kept chunk of 64 beds took a millisecond of the UI thread)
        self._newest_end: dict[str, float] = {}
        self._selected: str | None = None
        self._new_beds: set[str] = set()  # beds whose backlog is still to be fetched
        self._wake = asyncio.Event()

    def start(self) -> None:
        self.supervise(self._run)

    @Slot(list)
    def set_beds(self, bed_ids: list[str]) -> None:
        if list(bed_ids) == self._bed_ids:
            return
        self._new_beds |= set(bed_ids) - set(self._bed_ids)
        self._bed_ids = list(bed_ids)
        self._seen = {bed: self._seen.get(bed, {}) for bed in self._bed_ids}
        self._newest_end = {b: end for b, end in self._newest_end.items() if b in self._seen}
        self._wake.set()

    @Slot()
    def wake_up(self) -> None:
        """New chunks were written (by the simulator in this process): poll now, not at the
        next quarter second."""
        self._wake.set()

    @Slot(object)
    def select_bed(self, bed_id: str | None) -> None:
        """The bed of the selected view (None: none): the chunks kept of it go out at once."""
        self._selected = bed_id
        kept = sorted(self._seen.get(bed_id, {}).values(), key=lambda c: c.start)
        if kept:
            self.selected_chunks_added.emit(kept)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            await self.poll()
            await self.wait_or_wake(self._wake, self._poll_s)

    async def poll(self) -> None:
        """One poll: ask for what ended after the oldest end still awaited, emit what is new."""
        if not self._bed_ids:
            return
        since, asked = self._since(self._clock()), set(self._bed_ids)
        with self.reporting():
            found = await self._store.waveforms(self._bed_ids, since, self._waveform)
            self._new_beds -= asked
            new = self._take_new(found, asked)
            self._forget_before(since - BACKLOG_S)
            if new:
                self.chunks_added.emit(new)
            if self._selected in new:
                self.selected_chunks_added.emit(new[self._selected])

    def _since(self, now: float) -> float:
        """The oldest newest-end among beds still live; a new bed asks for its backlog."""
        if self._new_beds & set(self._bed_ids):
            return now - BACKLOG_S
        live = [end for end in self._newest_end.values() if end >= now - LIVE_S]
        return min(live) if live else now - LIVE_S

    def _take_new(self, found: dict[str, list[WaveformChunk]], asked: set[str]) -> dict:
        new: dict[str, list[WaveformChunk]] = {}
        for bed_id, chunks in found.items():
            seen = self._seen.get(bed_id)
            if seen is None or bed_id not in asked:  # a bed that left the ward meanwhile
                continue
            fresh = sorted((c for c in chunks if c.waveform is self._waveform and c.start not in seen),
                           key=lambda c: c.start)
            for chunk in fresh:  # in order: `_forget_before` walks them from the oldest
                seen[chunk.start] = chunk
                self._newest_end[bed_id] = max(self._newest_end.get(bed_id, chunk.end), chunk.end)
            if fresh:
                new[bed_id] = fresh
        return new

    def _forget_before(self, time_s: float) -> None:
        """Chunks that ended this long ago cannot come back: the poll asks for later ones.
        Kept in the order they came, which is their order but for a late one: the walk stops
        at the first to keep (a late one goes once those that came before it have gone)."""
        for seen in self._seen.values():
            for start in _ended_first(seen, time_s):
                del seen[start]


def _ended_first(seen: dict[float, WaveformChunk], time_s: float) -> list[float]:
    """The starts of the chunks at the front of `seen` that ended before `time_s`."""
    return list(itertools.takewhile(lambda start: seen[start].end < time_s, seen))
