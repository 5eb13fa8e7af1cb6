"""Alarm history feed: the ward's alarms of a chosen period, and its per-shift alarm figures."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot

from app.alarms.archive import merged_history
from app.feeds.base import Feed
from stores.alerts import AlertBus
from stores.analytics import AnalyticsStore
from stores.errors import StoreUnavailable
from stores.model import Alarm, ShiftFigures, hour_start, shift_figures, ward_shifts

log = logging.getLogger(__name__)

REFRESH_S = 10.0
DEFAULT_RANGE_S = 8 * 3600.0
SHIFTS = 2  # this shift and the one before
ARCHIVE_MARGIN_S = 3600.0


class AlarmHistoryFeed(Feed):
    """Loads while the history is shown (`set_shown`), again every `refresh_s` and at once when
    the period changes. `unavailable`/`available` follow the alarm bus; the analytics store
    failing only takes the shift figures away (`shifts_unavailable`), not the history.

    Alarms resolved more than `archived_after_s` ago leave the bus for the analytics archive
    (app/alarms/archive.py); a period reaching that far back merges the archived ones in. None:
    always."""
    title = "Alarm history"

    history_loaded = Signal(object)  # list[Alarm] of the ward, newest first
    shifts_loaded = Signal(object)  # list[ShiftFigures], this shift first
    shifts_unavailable = Signal(str)

    def __init__(self, bus: AlertBus, analytics: AnalyticsStore, region: str, ward: str,
                 clock: Callable[[], float] = time.time, refresh_s: float = REFRESH_S,
                 archived_after_s: float | None = None) -> None:
        super().__init__()
        self._bus = bus
        self._analytics = analytics
        self.region, self.ward = region, ward
        self._clock = clock
        self._refresh_s = refresh_s
        self._archived_after_s = archived_after_s
        self._archive_down = False
        self.range_s = DEFAULT_RANGE_S
        self.shown = False
        # set when the period or visibility changed since the last load began
        self._changed = asyncio.Event()
        self._history: list[Alarm] | None = None
        self._shifts: list[ShiftFigures] | None = None
        self._shifts_down: str | None = None

    def start(self) -> None:
        self.supervise(self._run)

    @Slot(float)
    def set_range(self, seconds: float) -> None:
        """Show the alarms raised in the last `seconds` (loaded at once if shown)."""
        if seconds != self.range_s:
            self.range_s = seconds
            self._wake()

    @Slot(bool)
    def set_shown(self, shown: bool) -> None:
        self.shown = shown
        if shown:
            self._wake()

    def _wake(self) -> None:
        self._changed.set()

    async def _run(self) -> None:
        while True:
            self._changed.clear()  # before loading: a change made meanwhile loads again at once
            if self.shown:
                await self.load()
            await self.wait_or_wake(self._changed, self._refresh_s if self.shown else None)

    async def load(self) -> None:
        """Load the history and the shift figures now, emitting what changed."""
        now = self._clock()
        with self.reporting():
            await self._load_history(now)
        await self._load_shifts(now)

    async def _load_history(self, now: float) -> None:
        range_s = self.range_s
        alarms = await self._bus.history(self.region, now - range_s)
        alarms = merged_history(alarms, await self._archived(now - range_s, range_s))
        if range_s != self.range_s:
            return  # the period changed meanwhile: the next round loads the new one
        ward = sorted((a for a in alarms if a.ward == self.ward),
                      key=lambda a: (a.raised_at, a.id), reverse=True)
        if ward != self._history:
            self._history = ward
            self.history_loaded.emit(ward)

    async def _archived(self, since: float, range_s: float) -> list[Alarm]:
        """The archive's alarms of the period, if it reaches back to where alarms are archived
        (an hour's margin: stations' clocks differ); none if the archive cannot be read (the
        shift figures say that the analytics store is away)."""
        after_s = self._archived_after_s
        if after_s is not None and range_s <= after_s - ARCHIVE_MARGIN_S:
            return []
        try:
            archived = await self._analytics.archived_alarms(self.region, since)
        except StoreUnavailable as exc:
            if not self._archive_down:  # once per outage, not every refresh
                log.warning("alarm history: archived alarms unavailable: %s", exc.reason)
            self._archive_down = True
        except Exception:  # a bug must not take the history away; it is logged in full
            log.exception("alarm history: archived alarms failed")
        else:
            self._archive_down = False
            return archived
        return []

    async def _load_shifts(self, now: float) -> None:
        shifts = ward_shifts(now, SHIFTS)
        start, end = min(s[1] for s in shifts), max(s[2] for s in shifts)
        try:
            hours = await self._analytics.hours(self.region, hour_start(start), end)
        except StoreUnavailable as exc:
            self._shifts_failed(exc.reason)
            return
        except Exception as exc:  # a bug must not end the refreshes; it is logged in full
            log.exception("alarm history: shift figures failed")
            self._shifts_failed(f"unexpected error: {exc}")
            return
        figures = shift_figures([h for h in hours if h.ward == self.ward], shifts)
        if figures != self._shifts or self._shifts_down is not None:
            self._shifts, self._shifts_down = figures, None
            self.shifts_loaded.emit(figures)

    def _shifts_failed(self, reason: str) -> None:
        if reason != self._shifts_down:
            self._shifts_down = reason
            self.shifts_unavailable.emit(reason)
