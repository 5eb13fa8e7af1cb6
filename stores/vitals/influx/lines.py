"""Vital samples as InfluxDB line protocol: one point per (bed, time), batched and gzip-compressed.

Schema: measurement `vitals`, tag `bed` (the bed id, unique across the hospital and already
holding the ward), tag `simulated=true` on what the bedside simulator wrote (absent otherwise,
so measured data keeps one series per bed), one float field per vital that the sample has, and the integer field `present`:
a bit per vital (PRESENT_BITS) saying which vitals the sample has.

Why `present`: InfluxDB merges the fields of a point written again at the same series and time
(the new values win, fields the new point lacks keep their old values), and a field cannot be
written as null. `present` is written with every point, so it is always replaced, and readers
trust a field only when its bit is set: rewriting a (bed, time) replaces the whole sample, as the
embedded store does. Missing vitals are simply not written, so InfluxQL aggregates skip them
(no placeholder values that a min/max would pick up); an aggregate that must also ignore a value
left over by such a rewrite filters on its bit: `WHERE "present" & 1 = 1` for heart_rate.

A series key (measurement and tags) is escaped once per bed (`escaped_key`); the rest of a line
is numbers, formatted here.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from functools import lru_cache

from stores.errors import ValidationError
from stores.model import VITAL_RANGES, Vital, VitalSample

MEASUREMENT = "vitals"
BED_TAG = "bed"
PRESENT_FIELD = "present"
SIMULATED_TAG = "simulated"
# Fixed bits, never renumbered: stored points keep meaning what they meant when written.
PRESENT_BITS = {"heart_rate": 1, "spo2": 2, "resp_rate": 4, "nibp_sys": 8, "nibp_dia": 16,
                "nibp_mean": 32, "temperature": 64}
# InfluxDB's time range in milliseconds (int64 nanoseconds)
MIN_MS, MAX_MS = -9_223_372_036_853, 9_223_372_036_853
_CHECKS = tuple((name, bit, *VITAL_RANGES[Vital(name)]) for name, bit in PRESENT_BITS.items())
GZIP_LEVEL = 1  # vitals shrink 5 to 14 times even at the fastest level
# Line protocol's escaping: a comma or space ends a measurement, and an equals sign also ends a
# tag's key or value, unless a backslash stands before it. Nothing else is escaped there, so a
# bed id is checked for what escaping cannot carry (check_bed_id).
_IN_MEASUREMENT = str.maketrans({",": "\\,", " ": "\\ "})
_IN_TAG = str.maketrans({",": "\\,", "=": "\\=", " ": "\\ "})


def to_ms(seconds: float) -> int:
    """Model time (float seconds) to wire time (integer milliseconds), clamped to InfluxDB's range.
    Bounds of queries go through the same rounding, so a sample's own time always matches."""
    try:
        ms = round(seconds * 1000.0)
    except OverflowError:  # infinite: as far as InfluxDB reaches
        return MAX_MS if seconds > 0 else MIN_MS
    except (TypeError, ValueError):
        raise ValidationError("time", f"{seconds!r} is not a time") from None
    return ms if MIN_MS <= ms <= MAX_MS else min(max(ms, MIN_MS), MAX_MS)


def check_bed_id(bed_id: str) -> str:
    """The bed id if InfluxDB stores it unchanged on 1.x, 2.x and 3; else ValidationError.

    Line protocol cannot carry control characters in a tag, and versions differ on what a
    backslash before a backslash, comma, equals sign or space (or at the end) means.
    """
    if not isinstance(bed_id, str) or not bed_id:
        raise ValidationError("bed_id", "must not be empty")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in bed_id):
        raise ValidationError("bed_id", f"{bed_id!r} contains a control character")
    for index, ch in enumerate(bed_id):
        if ch == "\\" and (index + 1 == len(bed_id) or bed_id[index + 1] in "\\,= "):
            raise ValidationError("bed_id", f"{bed_id!r}: a backslash may not end the id or "
                                  "stand before a backslash, comma, equals sign or space")
    return bed_id


def escaped_key(measurement: str, tags: Sequence[tuple[str, str]]) -> str:
    """`measurement,tag=value,...` as line protocol, the tags in order of their keys as InfluxDB
    keeps them."""
    escaped = [f"{key.translate(_IN_TAG)}={value.translate(_IN_TAG)}" for key, value in sorted(tags)]
    return ",".join([measurement.translate(_IN_MEASUREMENT), *escaped])


@lru_cache(maxsize=4096)
def series_key(bed_id: str, simulated: bool = False) -> str:
    """`vitals,bed=<escaped id>` (`,simulated=true` for the simulator's): escaped once per
    bed."""
    tags = [(BED_TAG, check_bed_id(bed_id))] + ([(SIMULATED_TAG, "true")] if simulated else [])
    return escaped_key(MEASUREMENT, tags)


def encode_line(sample: VitalSample, ms: int) -> str:
    """One sample as one line; invalid values (NaN, infinite, outside what a sensor can report:
    `VitalSample.cleaned`) count as missing, as every vitals store keeps them."""
    fields = []
    present = 0
    for name, bit, low, high in _CHECKS:
        value = getattr(sample, name)
        if value is None or isinstance(value, bool):
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValidationError(name, f"{value!r} is not a number") from None
        if low <= value <= high:  # NaN fails, and infinity is out of every range
            fields.append(f"{name}={value!r}")
            present |= bit
    fields.append(f"{PRESENT_FIELD}={present}i")
    return f"{series_key(sample.bed_id, sample.simulated is True)} {','.join(fields)} {ms}"


Keyed = tuple[int, VitalSample]  # (milliseconds, sample)


def batches(samples: Iterable[VitalSample], batch_size: int) -> list[list[Keyed]]:
    """(milliseconds, sample) in lists of at most `batch_size`: one sample per (bed, millisecond),
    the last given winning as a later write would. Raises ValidationError for a bed id or time
    that cannot be written, before anything is sent."""
    latest = {(s.bed_id, to_ms(s.time)): s for s in samples}
    for bed_id in {bed_id for bed_id, _ in latest}:
        series_key(bed_id)  # checks the id (and remembers its escaped form)
    keyed = [(ms, sample) for (_, ms), sample in latest.items()]
    return [keyed[start:start + batch_size] for start in range(0, len(keyed), batch_size)]


def encode_body(batch: Sequence[Keyed]) -> bytes:
    """One write request's body: the batch's lines, gzip-compressed."""
    lines = "\n".join([encode_line(sample, ms) for ms, sample in batch])
    return gzip.compress(lines.encode(), GZIP_LEVEL)
