"""Trends of whole minutes from InfluxDB's rollups (rollup): whole ten minutes from the
ten-minute points, the minutes after the last of those from the minute points, and the minute
that the range's end cuts from its raw samples (a rollup of that minute may hold samples after
the end). Each part is one statement; their counts add up per bucket."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from stores.model import Vital, VitalSample
from stores.vitals.influx.ql import beds_condition, time_literal
from stores.vitals.influx.rollup import (
    MINUTES,
    TEN_MINUTES,
    aggregates,
    count_samples,
    row_counts,
    source,
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


def rollup_query(bed_id: str, plan: BucketPlan, part: Part, rp: str) -> str:
    """The plan's buckets of one bed from one rollup measurement over [from, until)."""
    measurement, since, until = part
    bucket_ms = plan.bucket_s * 1000
    offset_ms = round(plan.start * 1000) % bucket_ms
    return (f"SELECT {aggregates()} FROM {source(rp, measurement)} "
            f"WHERE {beds_condition([bed_id])} AND time >= {time_literal(since)} "
            f"AND time < {time_literal(until)} "
            f"GROUP BY time({bucket_ms}ms, {offset_ms}ms) fill(none)")


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

    def add_rollups(self, results: Sequence[dict[str, Any]]) -> None:
        """The rows of `rollup_query`: the bucket's time, then four numbers per vital."""
        for result in results:
            for series in result.get("series", ()):
                for row in series.get("values", ()):
                    index = self.plan.index(row[0] / 1000.0)
                    for name, count in row_counts(row).items():
                        self.add(Vital(name), index, *count)

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
