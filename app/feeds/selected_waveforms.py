"""Waveform feed: the selected bed's ECG and pleth chunks, polled a few times a second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from stores.model import Waveform, WaveformChunk
from stores.vitals import VitalsStore

POLL_S = 0.25  # the simulator writes 250 ms chunks
BACKLOG_S = 20.0  # on selection, enough to fill the widest sweep at once


class SelectedWaveformsFeed(Feed):
    """Emits each chunk of the selected bed once, oldest first; none of a bed no longer selected."""
    title = "Selected bed's waveforms"

    waveforms_added = Signal(object)  # list[WaveformChunk] of the selected bed

    def __init__(self, store: VitalsStore, poll_s: float = POLL_S,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._store, self._poll_s, self._clock = store, poll_s, clock
        self._bed_id: str | None = None
        self._selection = 0  # bumped on each selection: a poll begun before it is discarded
        self._last_start: dict[Waveform, float] = {}  # newest chunk emitted, per waveform
        self._last_end: dict[Waveform, float] = {}
        self._wake = asyncio.Event()

    def start(self) -> None:
        self.supervise(self._run)

    @property
    def selected_bed(self) -> str | None:
        return self._bed_id

    def select_bed(self, bed_id: str | None) -> None:
        if bed_id != self._bed_id:
            self._bed_id = bed_id
            self._selection += 1
            self._last_start, self._last_end = {}, {}
            self._wake.set()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            with self.reporting():
                await self._poll()
            try:
                await asyncio.wait_for(self._wake.wait(), self._poll_s)
            except TimeoutError:
                pass

    async def _poll(self) -> None:
        bed, selection = self._bed_id, self._selection
        if bed is None:
            return
        found = await self._store.waveforms([bed], self._since())
        if selection == self._selection:
            self._emit_new(found.get(bed, []))

    def _since(self) -> float:
        # the oldest of the waveforms' newest ends: neither misses a chunk; repeats are dropped
        if not self._last_end:
            return self._clock() - BACKLOG_S
        return min(self._last_end.values())

    def _emit_new(self, chunks: list[WaveformChunk]) -> None:
        new = [c for c in chunks if c.start > self._last_start.get(c.waveform, float("-inf"))]
        for chunk in new:
            self._last_start[chunk.waveform] = chunk.start
            self._last_end[chunk.waveform] = max(chunk.end, self._last_end.get(chunk.waveform, 0))
        if new:
            self.waveforms_added.emit(new)
