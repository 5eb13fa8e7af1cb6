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
    then the means into a TrendBuilder. Kept as arrays (vitals, buckets): a day's 1 440
    minute rollups into 720 buckets is a few numpy calls, not 5 000 of Python (it took 40 ms
    of the station's CPU per 24 h trend, under the window's frames more)."""

    def __init__(self, plan: BucketPlan) -> None:
        self.plan = plan
        shape = (len(_VITALS), plan.count)
        self._low, self._high = np.full(shape, np.inf), np.full(shape, -np.inf)
        self._total, self._n = np.zeros(shape), np.zeros(shape)

    def add(self, vital: Vital, index: int | None, low: float, high: float, total: float,
            n: int) -> None:
        if index is None or n <= 0 or not 0 <= index < self.plan.count:
            return
        v = _VITALS.index(vital)
        self._low[v, index] = min(self._low[v, index], low)
        self._high[v, index] = max(self._high[v, index], high)
        self._total[v, index] += total
        self._n[v, index] += n

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
        """Counts of (rows, vitals, 4) into their buckets, every vital at once."""
        plan = self.plan
        buckets = np.floor((times - plan.start) / plan.bucket_s).astype(np.int64)
        inside = (buckets >= 0) & (buckets < plan.count)
        buckets, counts = buckets[inside], counts[inside]
        has = counts[:, :, 3] > 0  # (rows, vitals): a vital the minute has no sample of is not
        rows, vitals = np.nonzero(has)
        at = (vitals * plan.count + buckets[rows], counts[rows, vitals])  # flat index, counts
        np.minimum.at(self._low.reshape(-1), at[0], at[1][:, 0])
        np.maximum.at(self._high.reshape(-1), at[0], at[1][:, 1])
        np.add.at(self._total.reshape(-1), at[0], at[1][:, 2])
        np.add.at(self._n.reshape(-1), at[0], at[1][:, 3])

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
        for v, vital in enumerate(_VITALS):
            filled = np.flatnonzero(self._n[v] > 0)
            means = self._total[v, filled] / self._n[v, filled]
            builder.add_many(vital, filled.tolist(), self._low[v, filled].tolist(),
                             self._high[v, filled].tolist(), means.tolist())


_VITALS = list(Vital)
