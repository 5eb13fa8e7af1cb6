"""Trends from InfluxDB: one InfluxQL `GROUP BY time()` per vital, its buckets placed where the
shared plan (`trend_buckets.bucket_plan`) puts them.

InfluxDB starts `GROUP BY time(d)` buckets on multiples of d since 1970; the offset (the plan's
start modulo d) moves them to start at the plan's start, and each answered bucket is placed by
its own time, never by its position (`fill(none)` leaves empty buckets out). One query per
vital, each keeping only points whose `present` bit says the vital is theirs: a sample rewritten
without a vital leaves that field's old value behind (see lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stores.model import Vital
from stores.vitals.influx.lines import to_ms
from stores.vitals.influx.ql import (
    beds_condition,
    present_condition,
    quote_ident,
    source,
    time_literal,
)
from stores.vitals.trend_buckets import BucketPlan, TrendBuilder


def vital_query(bed_id: str, vital: Vital, plan: BucketPlan, rp: str | None) -> str:
    field = quote_ident(vital.value)
    bucket_ms = plan.bucket_s * 1000
    offset_ms = to_ms(plan.start) % bucket_ms
    return (f"SELECT min({field}), max({field}), mean({field}) FROM {source(rp)} "
            f"WHERE {beds_condition([bed_id])} AND time >= {time_literal(plan.start)} "
            f"AND time < {time_literal(plan.end)} AND {present_condition(vital.value)} "
            f"GROUP BY time({bucket_ms}ms, {offset_ms}ms) fill(none)")


def add_results(builder: TrendBuilder, vital: Vital, results: Sequence[dict[str, Any]]) -> None:
    """One vital's answer into the builder, each row at the bucket its time names."""
    for result in results:
        for series in result.get("series", ()):
            at = {name: index for index, name in enumerate(series["columns"])}
            for row in series.get("values", ()):
                index = builder.plan.index(row[at["time"]] / 1000.0)
                builder.add(vital, index, row[at["min"]], row[at["max"]], row[at["mean"]])
