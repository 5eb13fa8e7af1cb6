"""Vitals feed: the newest sample of every bed once a second, and the selected bed's last minutes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from app.feeds.selection import SelectionToken
from stores.model import VitalSample
from stores.vitals import VitalsStore
from widgets.bed_tile.sparkline import TREND_SECONDS  # as much as a tile's trend line shows

CHART_SECONDS = 600.0


class VitalsFeed(Feed):
    title = "Live vitals"
    recent_loaded = Signal(object)  # dict[bed_id, list[VitalSample]], for the tiles' trend lines
    latest_changed = Signal(object)  # dict[bed_id, VitalSample], only beds with a newer sample
    history_loaded = Signal(object)  # list[VitalSample] of the selected bed, the chart's window
    samples_added = Signal(object)  # list[VitalSample] of the selected bed, newer than before

    def __init__(self, store: VitalsStore, poll_s: float = 1.0,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._store = store
        self._poll_s = poll_s
        self._clock = clock
        self._bed_ids: list[str] = []
        self._latest: dict[str, VitalSample] = {}
        self._selected: str | None = None
        self._selected_since = 0.0  # the chart shows nothing older (e.g. the patient's admission)
        self._selected_until: float | None = None  # time of the newest sample the chart has
        self._selection = SelectionToken()  # a poll begun before a newer selection is dropped
        self._wake = asyncio.Event()

    def start(self) -> None:
        self.supervise(self._run)

    @property
    def selected_bed(self) -> str | None:
        return self._selected

    @property
    def latest(self) -> dict[str, VitalSample]:
        """The newest sample seen of each bed."""
        return dict(self._latest)

    def set_beds(self, bed_ids: list[str]) -> None:
        if bed_ids != self._bed_ids:
            self._bed_ids = list(bed_ids)
            self._latest.clear()
            self._wake.set()

    def select_bed(self, bed_id: str | None, since: float = 0.0) -> None:
        """Follow `bed_id` in the chart, showing nothing older than `since`."""
        self._selected, self._selected_since = bed_id, since
        self._selected_until = None
        self._selection.bump()
        self._wake.set()

    async def _run(self) -> None:
        loaded_beds: list[str] = []
        while True:
            self._wake.clear()
            with self.reporting():
                if loaded_beds != self._bed_ids:
                    await self._load_recent()
                    loaded_beds = list(self._bed_ids)
                await self._poll_latest()
                await self._poll_selected()
            await self.wait_or_wake(self._wake, self._poll_s)

    async def _load_recent(self) -> None:
        since = self._clock() - TREND_SECONDS
        self.recent_loaded.emit(await self._store.recent(self._bed_ids, since))

    async def _poll_latest(self) -> None:
        latest = await self._store.latest(self._bed_ids)
        changed = {bed: s for bed, s in latest.items() if self._latest.get(bed) != s}
        self._latest.update(changed)
        if changed:
            self.latest_changed.emit(changed)

    async def _poll_selected(self) -> None:
        bed, selection, now = self._selected, self._selection.take(), self._clock()
        if bed is None:
            return
        if self._selected_until is None:
            start = max(now - CHART_SECONDS, self._selected_since)
            samples = await self._store.history(bed, start, now + 1)
            if self._selection.current(selection):
                self._selected_until = samples[-1].time if samples else start
                self.history_loaded.emit(samples)
            return
        samples = await self._store.history(bed, self._selected_until + 1e-6, now + 1)
        if samples and self._selection.current(selection):
            self._selected_until = samples[-1].time
            self.samples_added.emit(samples)
