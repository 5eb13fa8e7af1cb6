"""How every vitals backend cuts a trend's range into buckets, and turns per-bucket rows into a
`VitalTrend`: one plan for all, so the embedded store and InfluxDB answer the same buckets."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from stores.model import Vital, VitalTrend

MINUTE_S = 60
TEN_MINUTES_S = 600  # from this bucket width up, buckets are whole ten minutes on a ten minute
_FUZZ = 1e-9  # 3600 s / 60 buckets must be 60 s, not 61 because of a float's last bit


@dataclass(frozen=True)
class BucketPlan:
    """Bucket i covers [start + i * bucket_s, start + (i + 1) * bucket_s), clipped to `end`."""

    start: float
    end: float
    bucket_s: int
    count: int
    clipped_from: float | None = None

    @property
    def by_minute(self) -> bool:
        """Whole minutes starting on a minute: a store may serve it from per-minute rollups."""
        return self.bucket_s % MINUTE_S == 0 and self.start % MINUTE_S == 0

    @property
    def by_ten_minutes(self) -> bool:
        """Whole ten minutes starting on one: a store may serve it from ten-minute rollups."""
        return self.bucket_s % TEN_MINUTES_S == 0 and self.start % TEN_MINUTES_S == 0

    def index(self, bucket_start: float) -> int | None:
        """The bucket starting at `bucket_start` (as a server labels it), None if outside."""
        i = round((bucket_start - self.start) / self.bucket_s)
        return i if 0 <= i < self.count else None


def bucket_plan(start: float, end: float, buckets: int, limit_s: float) -> BucketPlan:
    """At most `buckets` buckets of ceil((end - start) / buckets) whole seconds (at least 1).

    A range longer than `limit_s` keeps its last `limit_s`. From a minute up, buckets are widened
    to whole minutes and the start moved back to its minute (at most 59 s); from ten minutes up,
    to whole ten minutes and the start moved back to its ten minutes (at most 599 s). A day's
    trend is then served from per-minute rollups (1440 rows, not 86 400), a week's from
    ten-minute ones (1008 rows), and the chart, which places buckets by the trend's own start,
    cannot tell. An empty or reversed range has no buckets."""
    buckets = max(1, int(buckets))
    clipped_from = None
    if end - start > limit_s:
        clipped_from, start = start, end - limit_s
    if not end > start:
        return BucketPlan(start, end, 1, 0, clipped_from)
    bucket_s = max(1, math.ceil((end - start) / buckets - _FUZZ))
    for unit in (MINUTE_S, TEN_MINUTES_S):
        if bucket_s >= unit:
            start = float(math.floor(start / unit) * unit)
            bucket_s = max(1, math.ceil((end - start) / buckets / unit - _FUZZ)) * unit
    count = max(1, math.ceil((end - start) / bucket_s - _FUZZ))
    return BucketPlan(start, end, bucket_s, count, clipped_from)


Number = float | int  # as a server or SQLite answers it
Row = tuple[int, tuple[float | None, ...]]  # (bucket index, lowest, highest, mean)


class TrendBuilder:
    """Collects (bucket, lowest, highest, mean) per vital, then makes the `VitalTrend`."""

    def __init__(self, bed_id: str, plan: BucketPlan) -> None:
        self.bed_id = bed_id
        self.plan = plan
        self._parts: dict[Vital, tuple[list[float | None], ...]] = {
            vital: ([None] * plan.count, [None] * plan.count, [None] * plan.count)
            for vital in Vital}

    def add(self, vital: Vital, index: int | None, lowest: Number | None,
            highest: Number | None, mean: Number | None) -> None:
        if index is None or not 0 <= index < self.plan.count:
            return  # a server's bucket outside the plan (should not happen): never misplaced
        low, high, means = self._parts[vital]
        low[index], high[index], means[index] = _number(lowest), _number(highest), _number(mean)

    def add_many(self, vital: Vital, indexes: Sequence[int], lowest: Sequence[float],
                 highest: Sequence[float], means: Sequence[float]) -> None:
        """`add` of many buckets of one vital, all numbers (floats) and every index within
        the plan (what a caller of arrays has: the InfluxDB rollups)."""
        low, high, mean = self._parts[vital]
        for index, lo, hi, me in zip(indexes, lowest, highest, means):
            low[index], high[index], mean[index] = lo, hi, me

    def add_rows(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows of (bucket, then lowest, highest, mean of each vital in `Vital` order).
        `add` inlined: a day's 720 buckets of seven vitals took 12-20 ms through it."""
        count = self.plan.count
        columns = [(1 + 3 * n, self._parts[vital]) for n, vital in enumerate(Vital)]
        for row in rows:
            index = row[0]
            if index is None or not 0 <= index < count:
                continue  # as `add`: never misplaced
            for at, (low, high, means) in columns:
                lowest, highest, mean = row[at], row[at + 1], row[at + 2]
                low[index] = None if lowest is None else float(lowest)
                high[index] = None if highest is None else float(highest)
                means[index] = None if mean is None else float(mean)

    def build(self) -> VitalTrend:
        plan = self.plan
        return VitalTrend(
            self.bed_id, plan.start, plan.end, float(plan.bucket_s),
            lowest={v: tuple(parts[0]) for v, parts in self._parts.items()},
            highest={v: tuple(parts[1]) for v, parts in self._parts.items()},
            mean={v: tuple(parts[2]) for v, parts in self._parts.items()},
            clipped_from=plan.clipped_from)


def _number(value: Number | None) -> float | None:
    return None if value is None else float(value)
