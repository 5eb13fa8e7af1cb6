"""Trends of whole minutes from InfluxDB's rollups (rollup): whole ten minutes from the
ten-minute points, the minutes after the last of those from the minute points, and the minute
that the range's end cuts from its raw samples (a rollup of that minute may hold samples after
the end). Each part is one statement; their counts add up per bucket."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from stores.model import Vital, VitalSample
from stores.vitals.influx.ql import beds_condition, quote_ident, source, time_literal
from stores.vitals.influx.rollup import (
    MINUTES,
    PACKED_FIELD,
    TEN_MINUTES,
    count_samples,
    unpack_many,
)
from stores.vitals.trend_buckets import MINUTE_S, TEN_MINUTES_S, BucketPlan, TrendBuilder

Part = tuple[str, float, float]  # measurement (or "" for the raw samples), from, until


def parts(plan: BucketPlan) -> list[Part]:
    """Where each stretch of a plan of whole minutes is read from, the empty ones left out."""
    minutes_end = max(plan.start, math.floor(plan.end / MINUTE_S) * MINUTE_S)
    tens_end = plan.start
    if plan.by_ten_minutes:
        tens_end = max(plan.start, math.floor(minutes_end / TEN_MINUTES_S) * TEN_MINUTES_S)
    found = [(TEN_MINUTES, plan.start, tens_end), (MINUTES, tens_end, minutes_end),
             ("", minutes_end, plan.end)]
    return [part for part in found if part[2] > part[1]]


def rollup_query(bed_id: str, part: Part, rp: str) -> str:
    """One bed's packed rollups of one measurement over [from, until), bucketed here."""
    measurement, since, until = part
    return (f"SELECT {quote_ident(PACKED_FIELD)} FROM {source(rp, measurement)} "
            f"WHERE {beds_condition([bed_id])} AND time >= {time_literal(since)} "
            f"AND time < {time_literal(until)}")


class BucketTotals:
    """Per vital and bucket: lowest, highest, sum and count, from rollups and raw samples alike,
    then the means into a TrendBuilder."""

    def __init__(self, plan: BucketPlan) -> None:
        self.plan = plan
        self._totals: dict[tuple[Vital, int], list[Any]] = {}

    def add(self, vital: Vital, index: int | None, low: float, high: float, total: float,
            n: int) -> None:
        if index is None or n <= 0:
            return
        now = self._totals.get((vital, index))
        if now is None:
            self._totals[(vital, index)] = [low, high, total, n]
            return
        now[0], now[1] = min(now[0], low), max(now[1], high)
        now[2] += total
        now[3] += n

    def add_rollups(self, results: Sequence[dict[str, Any]]) -> int:
        """The rows of `rollup_query` (time, packed counts), each into the bucket its time
        falls in; how many rows were left out (not a packed rollup: unreadable, or written
        without one)."""
        rows = [row for result in results for series in result.get("series", ())
                for row in series.get("values", ())]
        timed = [isinstance(row, list) and len(row) >= 2 and isinstance(row[0], (int, float))
                 and not isinstance(row[0], bool) for row in rows]
        counts, readable = unpack_many([row[-1] if ok else None for row, ok in zip(rows, timed)])
        if readable.any():
            times = np.array([row[0] / 1000.0 if ok else 0.0 for row, ok in zip(rows, timed)])
            self._add_packed(times[readable], counts[readable])
        return int(len(rows) - readable.sum())

    def _add_packed(self, times: np.ndarray, counts: np.ndarray) -> None:
        """Counts of (rows, vitals, 4) into their buckets, a vital at a time, with numpy."""
        plan = self.plan
        buckets = np.floor((times - plan.start) / plan.bucket_s).astype(np.int64)
        inside = (buckets >= 0) & (buckets < plan.count)
        for v, vital in enumerate(Vital):
            has = inside & (counts[:, v, 3] > 0)
            if not has.any():
                continue
            index, part = buckets[has], counts[has, v]
            low = np.full(plan.count, np.inf)
            high = np.full(plan.count, -np.inf)
            total, n = np.zeros(plan.count), np.zeros(plan.count)
            np.minimum.at(low, index, part[:, 0])
            np.maximum.at(high, index, part[:, 1])
            np.add.at(total, index, part[:, 2])
            np.add.at(n, index, part[:, 3])
            for i in np.flatnonzero(n):
                self.add(vital, int(i), float(low[i]), float(high[i]), float(total[i]),
                         int(n[i]))

    def add_samples(self, samples: Iterable[VitalSample]) -> None:
        plan, by_bucket = self.plan, dict[int, list[VitalSample]]()
        for sample in samples:
            start = plan.start + plan.bucket_s * ((sample.time - plan.start) // plan.bucket_s)
            index = plan.index(start)
            if index is not None:
                by_bucket.setdefault(index, []).append(sample)
        for index, bucket in by_bucket.items():
            for name, count in count_samples(bucket).items():
                self.add(Vital(name), index, *count)

    def into(self, builder: TrendBuilder) -> None:
        for (vital, index), (low, high, total, n) in self._totals.items():
            builder.add(vital, index, low, high, total / n)
