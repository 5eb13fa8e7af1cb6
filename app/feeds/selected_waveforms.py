"""Waveform feed: the selected bed's pleth chunks, polled a few times a second (its ECG comes
with every bed's from the ward's waveform feed, app/feeds/waveforms.py: fetched once)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from app.feeds.selection import SelectionToken

# the ECG's, so that both strips fill at once on a selection and keep pace
from app.feeds.waveforms import BACKLOG_S, POLL_S
from stores.model import Waveform, WaveformChunk
from stores.vitals import VitalsStore


class SelectedWaveformsFeed(Feed):
    """Emits each chunk of `waveform` of the selected bed once, oldest first; none of a bed no
    longer selected."""
    title = "Selected bed's waveforms"

    waveforms_added = Signal(object)  # list[WaveformChunk] of the selected bed

    def __init__(self, store: VitalsStore, poll_s: float = POLL_S,
                 clock: Callable[[], float] = time.time,
                 waveform: Waveform = Waveform.PLETH) -> None:
        super().__init__()
        self._store, self._poll_s, self._clock, self._waveform = store, poll_s, clock, waveform
        self._bed_id: str | None = None
        self._selection = SelectionToken()  # a poll begun before a newer selection is dropped
        self._last_start = float("-inf")  # of the newest chunk emitted
        self._last_end: float | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        self.supervise(self._run)

    @property
    def selected_bed(self) -> str | None:
        return self._bed_id

    def select_bed(self, bed_id: str | None) -> None:
        """Follow `bed_id` from its backlog on, also when it was followed already: the chart
        emptied its strips for the selection, and the ECG's backlog comes again too."""
        self._bed_id = bed_id
        self._selection.bump()
        self._last_start, self._last_end = float("-inf"), None
        self._wake.set()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            with self.reporting():
                await self._poll()
            await self.wait_or_wake(self._wake, self._poll_s)

    async def _poll(self) -> None:
        bed, selection = self._bed_id, self._selection.take()
        if bed is None:
            return
        found = await self._store.waveforms([bed], self._since(), self._waveform)
        if self._selection.current(selection):
            self._emit_new(found.get(bed, []))

    def _since(self) -> float:
        return self._clock() - BACKLOG_S if self._last_end is None else self._last_end

    def _emit_new(self, chunks: list[WaveformChunk]) -> None:
        new = [c for c in chunks if c.waveform is self._waveform and c.start > self._last_start]
        for chunk in new:  # oldest first
            self._last_start = chunk.start
            self._last_end = max(chunk.end, self._last_end or chunk.end)
        if new:
            self.waveforms_added.emit(new)
