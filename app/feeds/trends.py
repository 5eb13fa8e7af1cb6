"""Trend feed: the selected bed's vitals over a past range, downsampled by the store, newest ask wins."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from PySide6.QtCore import Signal, Slot

from app.feeds.base import Feed
from app.feeds.selection import SelectionToken
from stores.vitals import VitalsStore


@dataclass(frozen=True)
class TrendRequest:
    bed_id: str
    start: float
    end: float
    buckets: int


class TrendFeed(Feed):
    """Loads one trend at a time as a task on the loop (the window never waits for it); while
    one loads, newer requests replace each other, and a superseded answer is never emitted."""
    title = "Vitals history"

    trend_loaded = Signal(object)  # VitalTrend of the newest request

    def __init__(self, store: VitalsStore) -> None:
        super().__init__()
        self._store = store
        self._bed_id: str | None = None
        self._wanted: TrendRequest | None = None
        self._asked = SelectionToken()  # bumped by every request and selection: older are stale
        self._wake = asyncio.Event()

    def start(self) -> None:
        self.supervise(self._run)

    @property
    def selected_bed(self) -> str | None:
        return self._bed_id

    def select_bed(self, bed_id: str | None) -> None:
        """Ranges asked for through `request_range` are of this bed; a load under way for
        another bed is dropped when it returns."""
        if bed_id != self._bed_id:
            self._bed_id, self._wanted = bed_id, None
            self._asked.bump()

    @Slot(float, float, int)
    def request_range(self, start: float, end: float, buckets: int) -> None:
        """The chart's `trend_requested`: a range of the selected bed (none: nothing to load)."""
        if self._bed_id is not None:
            self.request_trend(self._bed_id, start, end, buckets)

    def request_trend(self, bed_id: str, start: float, end: float, buckets: int) -> None:
        """Load this trend; `trend_loaded` follows unless a newer request comes first."""
        self._wanted = TrendRequest(bed_id, start, end, max(1, int(buckets)))
        self._asked.bump()
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            wanted, asked = self._wanted, self._asked.take()
            if wanted is None:
                continue
            with self.reporting():
                trend = await self._store.trend(wanted.bed_id, wanted.start, wanted.end,
                                                wanted.buckets)
                if self._asked.current(asked):
                    self.trend_loaded.emit(trend)
