"""Vitals in the embedded file, the SQL side: samples as cleaned rows, the per-minute rollup
that every write keeps, and trends bucketed in SQL (from the rollup for buckets of whole
minutes, from the samples below a minute). Everything here runs on a connection's own thread."""

from __future__ import annotations

import math
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from stores.errors import ValidationError
from stores.model import VITAL_RANGES, Vital, VitalSample, VitalTrend
from stores.vitals.trend_buckets import MINUTE_S, BucketPlan, TrendBuilder

NAMES = tuple(vital.value for vital in Vital)
COLUMNS = ("bed_id", "time", *NAMES, "simulated")
UPSERT = (f"INSERT OR REPLACE INTO vitals ({', '.join(COLUMNS)}) "
          f"VALUES ({', '.join('?' for _ in COLUMNS)})")
_FIELDS = operator.attrgetter(*COLUMNS)
_RANGES = tuple(VITAL_RANGES[vital] for vital in Vital)

# A touched minute is counted again from its samples, so a rewritten sample replaces its old
# values in min and max too (a running min could never forget them).
_RECOUNT = (
    "INSERT OR REPLACE INTO vitals_minutes SELECT ?, ?, "
    + ", ".join(f"MIN({v}), MAX({v}), SUM({v}), COUNT({v})" for v in NAMES)
    + " FROM vitals WHERE bed_id = ? AND time >= ? AND time < ?")

_FROM_SAMPLES = (
    "SELECT CAST((time - :start) / :bucket_s AS INTEGER) AS b, "
    + ", ".join(f"MIN({v}), MAX({v}), AVG({v})" for v in NAMES)
    + " FROM vitals WHERE bed_id = :bed AND time >= :start AND time < :end GROUP BY b")

# Whole minutes from the rollup; the minute that `end` cuts from the samples themselves.
_FROM_MINUTES = (
    "SELECT b, " + ", ".join(f"MIN({v}_lo), MAX({v}_hi), SUM({v}_s) / SUM({v}_n)" for v in NAMES)
    + " FROM (SELECT (minute - :first) / :per_bucket AS b, "
    + ", ".join(f"{v}_min AS {v}_lo, {v}_max AS {v}_hi, {v}_sum AS {v}_s, {v}_n" for v in NAMES)
    + " FROM vitals_minutes WHERE bed_id = :bed AND minute >= :first AND minute < :last"
    + " UNION ALL SELECT CAST((time - :start) / :bucket_s AS INTEGER), "
    + ", ".join(f"{v}, {v}, {v}, {v} IS NOT NULL" for v in NAMES)
    + " FROM vitals WHERE bed_id = :bed AND time >= :last * 60 AND time < :end) GROUP BY b")


def cleaned_rows(samples: Sequence[VitalSample]) -> list[tuple[Any, ...]]:
    """Each sample as a row, with the values `VitalSample.cleaned` would drop as NULL.
    Inlined rather than calling `cleaned()`: a 100 000-sample batch takes a third of the time."""
    rows = []
    for bed_id, time, *values, simulated in map(_FIELDS, samples):
        try:  # NaN fails both comparisons; a bool is no measurement
            rows.append((bed_id, time, *[
                value if value is not None and low <= value <= high
                and value.__class__ is not bool else None
                for value, (low, high) in zip(values, _RANGES)], simulated is True))
        except TypeError:
            raise ValidationError(*_not_a_number(values)) from None
    return rows


def _not_a_number(values: list[Any]) -> tuple[str, str]:
    name, value = next((name, value) for name, value in zip(NAMES, values)
                       if value is not None and not isinstance(value, (int, float)))
    return name, f"{value!r} is not a number"


def write_samples(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(UPSERT, rows)
    # In key order: the recounts then walk the table's pages once, not back and forth.
    touched = sorted({(bed_id, minute_of(time)) for bed_id, time, *_ in rows})
    conn.executemany(_RECOUNT, [(bed_id, minute, bed_id, minute * MINUTE_S,
                                 (minute + 1) * MINUTE_S) for bed_id, minute in touched])


def minute_of(time: float) -> int:
    """The minute whose [m * 60, m * 60 + 60) holds `time`, as the recount's range sees it."""
    minute = math.floor(time / MINUTE_S)
    if time < minute * MINUTE_S:  # time / 60 rounded up to the next whole number
        return minute - 1
    return minute + 1 if time >= (minute + 1) * MINUTE_S else minute


def trend(conn: sqlite3.Connection, bed_id: str, plan: BucketPlan) -> VitalTrend:
    builder = TrendBuilder(bed_id, plan)
    if plan.count:
        builder.add_rows(_bucket_rows(conn, bed_id, plan))
    return builder.build()


def _bucket_rows(conn: sqlite3.Connection, bed_id: str, plan: BucketPlan) -> Iterable[tuple[Any, ...]]:
    params = {"bed": bed_id, "start": plan.start, "end": plan.end, "bucket_s": plan.bucket_s}
    if not plan.by_minute:
        return conn.execute(_FROM_SAMPLES, params)
    first = int(plan.start // MINUTE_S)
    params.update(first=first, per_bucket=plan.bucket_s // MINUTE_S,
                  last=max(first, math.floor(plan.end / MINUTE_S)))
    return conn.execute(_FROM_MINUTES, params)
