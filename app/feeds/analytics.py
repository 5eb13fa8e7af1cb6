"""Analytics feed: the last day's hourly rollups of every region, and ward occupancy."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from stores.analytics import AnalyticsStore
from stores.model import hour_start

DAY_S = 24 * 3600.0


class AnalyticsFeed(Feed):
    title = "Regional analytics"
    hours_loaded = Signal(object)  # dict[region, list[WardHour]]
    occupancy_loaded = Signal(object)  # list[WardOccupancy]

    def __init__(self, store: AnalyticsStore, regions: list[str], refresh_s: float = 30.0,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._store = store
        self._regions = regions
        self._refresh_s = refresh_s
        self._clock = clock
        self._shown: tuple | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        self.supervise(self._run)

    def reload(self) -> None:
        """Read again now (the reads' consistency level was switched: show what it does)."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            with self.reporting():
                await self._load()
            await self.wait_or_wake(self._wake, self._refresh_s)

    async def _load(self) -> None:
        end = hour_start(self._clock()) + 3600.0
        hours = {r: await self._store.hours(r, end - DAY_S, end) for r in self._regions}
        occupancy = await self._store.occupancy()
        if (hours, occupancy) == self._shown:
            return
        self._shown = (hours, occupancy)
        self.hours_loaded.emit(hours)
        self.occupancy_loaded.emit(occupancy)
