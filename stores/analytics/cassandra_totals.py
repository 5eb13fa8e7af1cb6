"""One writer's running totals of ward hours: what makes additive rollups safe to write twice."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable

from stores.model import WardHour, hour_start

Key = tuple[str, str, float]  # region, ward, hour start
MAX_KEYS = 4096  # about two weeks of a ward station's hours


class WriterTotals:
    """The totals this writer has stored, per (region, ward, hour).

    The store writes a writer's whole total, never an increment, so writing the same total again
    (a driver retry, a delta re-sent after a failure) changes nothing. Only what reached the store
    is remembered: a delta whose write failed is added again to the same stored total when it is
    re-sent. Past `max_keys` totals the writer starts afresh under a new id, so memory stays
    bounded; it does so only after a successful write, never with a delta still in doubt.
    (What stays open: a write that landed half-way just before the station stopped, re-sent by
    the next run from the outbox under that run's writer, counts the landed part twice.)
    """

    def __init__(self, max_keys: int = MAX_KEYS,
                 new_writer: Callable[[], uuid.UUID] = uuid.uuid4) -> None:
        self._max_keys = max_keys
        self._new_writer = new_writer
        self.writer = new_writer()
        self._stored: dict[Key, WardHour] = {}

    def after(self, rollups: Iterable[WardHour]) -> list[WardHour]:
        """The totals to store once `rollups` are added, one per key, each hour at its start."""
        totals: dict[Key, WardHour] = {}
        for rollup in rollups:
            delta = dataclasses.replace(rollup, hour=hour_start(rollup.hour))
            key = (delta.region, delta.ward, delta.hour)
            base = totals.get(key) or self._stored.get(key)
            totals[key] = base.merged(delta) if base else delta
        return list(totals.values())

    def stored(self, totals: Iterable[WardHour]) -> None:
        """Remember totals that reached the store."""
        for total in totals:
            self._stored[(total.region, total.ward, total.hour)] = total
        if len(self._stored) > self._max_keys:
            self.writer = self._new_writer()
            self._stored.clear()
