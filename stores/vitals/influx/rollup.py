"""Rollups of the vitals in InfluxDB, per minute and per ten minutes: what every trend of whole
minutes is read from, so that a week of a bed is a thousand points, not six hundred thousand.

Measurements `vitals_minutes` and `vitals_10m`, tag `bed`, one point per (bed, minute or ten
minutes) at its start, in the rollups' own retention policy (`?rollup_rp=`): per vital the
fields `<vital>_min`, `_max`, `_sum` and the integer `<vital>_n`, how many valid values it
holds. All four are written for every vital every time, so a recounted point never keeps a
stale value (InfluxDB merges the fields of a point written again): a vital with no value is
written as n 0, sum 0, and a min and max that any real value beats (EMPTY_MIN, EMPTY_MAX). One
query then takes every vital's min, max, sum and count over a range, and a bucket whose count
is 0 has no value. The same numbers are also written packed in one field, `packed` (base64 of
float64 little-endian, four per vital in `Vital` order), which is what the station's trends read:
InfluxDB 1.x answers one field of a thousand points about ten times faster than 28 aggregates
of them. The numeric fields are for the ten-minute recount and for other tools (Grafana).

The store writes them with the samples: after the raw points, each touched (bed, minute) is
counted again from the raw points the server holds (a rewritten sample replaces its old values,
as in the embedded store's rollup), one query per vital for each run of touched minutes; then
each touched ten minutes from its minutes. A minute near or beyond the end of the raw policy
(a backfill, or an outbox that waited days), of which the server may have dropped some points,
is counted here instead (GivenMinutes).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import math
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from stores.errors import StoreUnavailable
from stores.model import VITAL_RANGES, Vital, VitalSample
from stores.vitals.influx.lines import (
    BED_TAG,
    GZIP_LEVEL,
    MEASUREMENT,
    Keyed,
    check_bed_id,
    escaped_key,
    to_ms,
)
from stores.vitals.influx.ql import beds_condition, present_condition, quote_ident, source
from stores.vitals.trend_buckets import MINUTE_S, TEN_MINUTES_S

MINUTES = "vitals_minutes"
TEN_MINUTES = "vitals_10m"
MINUTE_MS = MINUTE_S * 1000
TEN_MINUTES_MS = TEN_MINUTES_S * 1000
RUN_GAP_MINUTES = 10  # touched minutes closer than this are counted by one query
# ... but no query counts more than this many minutes: a day of a bed in one query (a backfill)
# took longer than the read timeout (5 s) on a loaded 2-core machine, and the write went to the
# outbox; six hours is a quarter of that work, the server's answer comes within the timeout.
RUN_MOST_MINUTES = 360
MEMORY = 512  # minutes counted from given samples, remembered (at most 60 samples each)
_NAMES = tuple(vital.value for vital in Vital)
EMPTY_MIN, EMPTY_MAX = 1e300, -1e300  # beyond every vital's range (VITAL_RANGES)
_EMPTY = f"_min={EMPTY_MIN!r},{{name}}_max={EMPTY_MAX!r},{{name}}_sum=0.0,{{name}}_n=0i"
PACKED_FIELD = "packed"
_PACKED = np.dtype("<f8")

Count = tuple[float, float, float, int]  # lowest, highest, sum, how many
Counts = dict[tuple[str, int], dict[str, Count]]  # (bed, minute) -> vital name -> its count


# --- counting a minute -------------------------------------------------------------------------

def touched(keyed: Iterable[Keyed]) -> set[tuple[str, int]]:
    """The (bed, minute) of each sample; minute m holds [m * 60 s, (m + 1) * 60 s)."""
    return {(sample.bed_id, ms // MINUTE_MS) for ms, sample in keyed}


def runs(minutes: set[tuple[str, int]], gap: int = RUN_GAP_MINUTES,
         most: int = RUN_MOST_MINUTES) -> list[tuple[int, int, list[str]]]:
    """Touched units (minutes, ten minutes) as (first, last + 1, beds) runs of at most `most`
    units: InfluxQL cannot OR time ranges, and one range from the oldest to the newest could
    span years."""
    found: list[tuple[int, int, set[str]]] = []
    for minute, bed in sorted((minute, bed) for bed, minute in minutes):
        if found and minute - found[-1][1] < gap and minute - found[-1][0] < most:
            found[-1] = (found[-1][0], minute + 1, found[-1][2] | {bed})
        else:
            found.append((minute, minute + 1, {bed}))
    return [(first, end, sorted(beds)) for first, end, beds in found]


def recount_query(vital: str, first: int, end: int, beds: Sequence[str], raw_rp: str) -> str:
    """One vital of a run's beds, minute by minute, from the raw points whose `present` bit
    says the vital is theirs."""
    field = quote_ident(vital)
    return (f"SELECT min({field}), max({field}), sum({field}), count({field}) "
            f"FROM {source(raw_rp, MEASUREMENT)} WHERE {beds_condition(beds)} "
            f"AND time >= {first * MINUTE_MS}ms AND time < {end * MINUTE_MS}ms "
            f"AND {present_condition(vital)} GROUP BY time(1m), {quote_ident(BED_TAG)} fill(none)")


def add_recount(counts: Counts, vital: str, results: Sequence[dict[str, Any]]) -> None:
    for result in results:
        for series in result.get("series", ()):
            bed = series.get("tags", {}).get(BED_TAG)
            at = {name: index for index, name in enumerate(series["columns"])}
            for row in series.get("values", ()):
                n = row[at["count"]]
                if bed is not None and n:
                    counts.setdefault((bed, _time_ms(row[at["time"]]) // MINUTE_MS), {})[vital] = (
                        checked_count(row[at["min"]], row[at["max"]], row[at["sum"]], n))


def count_samples(samples: Iterable[VitalSample]) -> dict[str, Count]:
    """One minute's count from its samples (invalid values count as missing, as stored)."""
    found: dict[str, list[Any]] = {}
    for sample in samples:
        for vital in Vital:
            value = getattr(sample, vital.value)
            low, high = VITAL_RANGES[vital]
            if value is None or isinstance(value, bool) or not low <= value <= high:
                continue
            now = found.setdefault(vital.value, [value, value, 0.0, 0])
            now[0], now[1] = min(now[0], value), max(now[1], value)
            now[2] += value
            now[3] += 1
    return {name: (float(lo), float(hi), total, n) for name, (lo, hi, total, n) in found.items()}


class GivenMinutes:
    """Minutes near or beyond the end of the raw policy, counted here from every sample known of
    them: the raw points the server still holds (it may keep some of a minute and drop the rest:
    1.x keeps an old point where a newer one already made its shard group), those this store was
    given for them before (the last MEMORY minutes), and those given now; by (bed, minute), one
    per millisecond as the raw points are, the newest write winning."""

    def __init__(self) -> None:
        self._minutes: OrderedDict[tuple[str, int], dict[int, VitalSample]] = OrderedDict()

    def count(self, keyed: Iterable[Keyed], wanted: set[tuple[str, int]],
              held: Iterable[VitalSample] = ()) -> Counts:
        """The wanted minutes counted from these samples, those remembered of them and those
        the server `held`."""
        given, on_server = _by_minute(keyed, wanted), _by_minute(
            ((to_ms(sample.time), sample) for sample in held), wanted)
        counts = {}
        for key in sorted(wanted, key=lambda key: (key[1], key[0])):  # the newest kept longest
            samples = on_server.get(key, {}) | self._minutes.pop(key, {}) | given.get(key, {})
            counts[key] = count_samples(samples.values())
            self._minutes[key] = samples  # the newest last: the oldest are forgotten first
        while len(self._minutes) > MEMORY:
            self._minutes.popitem(last=False)
        return counts


def _by_minute(keyed: Iterable[Keyed], wanted: set[tuple[str, int]]
               ) -> dict[tuple[str, int], dict[int, VitalSample]]:
    found: dict[tuple[str, int], dict[int, VitalSample]] = {}
    for ms, sample in keyed:
        key = (sample.bed_id, ms // MINUTE_MS)
        if key in wanted:
            found.setdefault(key, {})[ms] = sample
    return found


def held_query(first: int, end: int, beds: Sequence[str], raw_rp: str) -> str:
    """The raw points of a run of minutes, to be counted here."""
    return (f"SELECT * FROM {source(raw_rp, MEASUREMENT)} WHERE {beds_condition(beds)} "
            f"AND time >= {first * MINUTE_MS}ms AND time < {end * MINUTE_MS}ms")


def ten_minutes_query(first: int, end: int, beds: Sequence[str], rp: str) -> str:
    """A run of ten minutes of these beds, each from its minutes' rollups."""
    return (f"SELECT {aggregates()} FROM {source(rp, MINUTES)} WHERE {beds_condition(beds)} "
            f"AND time >= {first * TEN_MINUTES_MS}ms AND time < {end * TEN_MINUTES_MS}ms "
            f"GROUP BY time(10m), {quote_ident(BED_TAG)} fill(none)")


def aggregates() -> str:
    """Per vital, in `Vital` order: the lowest min, highest max, and the sums of sum and n."""
    return ", ".join(f"min({quote_ident(f'{v}_min')}), max({quote_ident(f'{v}_max')}), "
                     f"sum({quote_ident(f'{v}_sum')}), sum({quote_ident(f'{v}_n')})"
                     for v in _NAMES)


def add_aggregates(counts: Counts, unit_ms: int, results: Sequence[dict[str, Any]]) -> None:
    """The rows of an `aggregates()` query grouped by time and bed, as counts by (bed, unit)."""
    for result in results:
        for series in result.get("series", ()):
            bed = series.get("tags", {}).get(BED_TAG)
            for row in series.get("values", ()):
                if bed is not None:
                    counts[(bed, _time_ms(row[0]) // unit_ms)] = row_counts(row)


def row_counts(row: Sequence[Any]) -> dict[str, Count]:
    """A row of time then four numbers per vital, as counts of the vitals that have values."""
    found = {}
    for n, name in enumerate(_NAMES):
        low, high, total, count = row[1 + 4 * n:5 + 4 * n]
        if count:
            found[name] = checked_count(low, high, total, count)
    return found


def checked_count(low: Any, high: Any, total: Any, n: Any) -> Count:
    """An aggregate the server answered, as a count; StoreUnavailable for one that is not (a
    value that is no finite number, a count that is not whole, a lowest above the highest):
    such an answer must not become a rollup, and the write is tried again."""
    values = (low, high, total, n)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
               for v in values) or n < 1 or n != int(n) or low > high:
        raise StoreUnavailable(f"InfluxDB answered an aggregate that is not one: {values!r:.120}")
    return float(low), float(high), float(total), int(n)


def _time_ms(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise StoreUnavailable(f"InfluxDB answered a time that is not one: {value!r:.60}")
    return value


# --- writing them ------------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _key(measurement: str, bed_id: str) -> str:
    return escaped_key(measurement, [(BED_TAG, check_bed_id(bed_id))])


def rollup_line(measurement: str, bed_id: str, start_ms: int, count: dict[str, Count]) -> str:
    fields, packed = [], []
    for name in _NAMES:
        if name in count:
            low, high, total, n = count[name]
            fields.append(f"{name}_min={low!r},{name}_max={high!r},{name}_sum={total!r},"
                          f"{name}_n={n}i")
        else:
            fields.append(name + _EMPTY.format(name=name))
            low, high, total, n = EMPTY_MIN, EMPTY_MAX, 0.0, 0
        packed += [low, high, total, float(n)]
    fields.append(f'{PACKED_FIELD}="{pack_counts(packed)}"')
    return f"{_key(measurement, bed_id)} {','.join(fields)} {start_ms}"


def pack_counts(numbers: Sequence[float]) -> str:
    return base64.b64encode(np.asarray(numbers, dtype=_PACKED).tobytes()).decode("ascii")


def unpack_counts(text: object) -> np.ndarray | None:
    """A point's packed counts as (vitals, 4) float64, or None for a value that is not one
    (not base64, the wrong length, a count that is not whole, values that are not finite)."""
    counts, readable = unpack_many([text])
    return counts[0] if readable[0] else None


def unpack_many(texts: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    """Many points' packed counts at once (a day of minutes is 1 440: checked one by one they
    took 100 ms): (rows, vitals, 4) float64 and which rows are readable (the others, zeros,
    were not base64 of the right length, or held counts no store wrote)."""
    size = _PACKED.itemsize * 4 * len(_NAMES)
    raw, whole = bytearray(), np.zeros(len(texts), dtype=bool)
    for row, text in enumerate(texts):
        decoded = _decoded(text)
        if decoded is None or len(decoded) != size:
            decoded = bytes(size)
        else:
            whole[row] = True
        raw += decoded
    counts = np.frombuffer(bytes(raw), dtype=_PACKED).reshape(len(texts), len(_NAMES), 4)
    n = counts[:, :, 3]
    numbers = counts[:, :, :3]
    with np.errstate(invalid="ignore"):
        values_ok = np.isfinite(numbers).all(axis=2) & (numbers[:, :, 0] <= numbers[:, :, 1])
        readable = (np.isfinite(n) & (n >= 0) & (n == np.floor(n))
                    & (values_ok | (n == 0))).all(axis=1) & whole
    return counts, readable


def _decoded(text: object) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def encode_rollups(measurement: str, unit_ms: int, counts: Counts, batch_lines: int
                   ) -> list[bytes]:
    """Counts by (bed, unit number) as gzip bodies of at most `batch_lines` lines."""
    lines = [rollup_line(measurement, bed, unit * unit_ms, count)
             for (bed, unit), count in sorted(counts.items())]
    return [gzip.compress("\n".join(lines[i:i + batch_lines]).encode(), GZIP_LEVEL)
            for i in range(0, len(lines), batch_lines)]
