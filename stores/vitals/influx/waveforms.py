"""Waveform chunks in InfluxDB: one point per chunk, and the InfluxQL that finds them again.

Schema: measurement `waveform`, tags `bed` and `waveform` (ecg_ii, pleth), time = the chunk's
start in milliseconds, fields `rate` (Hz), `n` (samples) and `values`: the samples as
little-endian float32, base64 text (a line protocol string field; NaN, no signal, kept).

Why one point per chunk rather than one per sample: 32 beds send 12 000 samples a second; as
points that is 12 000 lines of tags and timestamps to write and as many rows to read back for a
strip, where a chunk is one line and one row of about 340 characters (InfluxDB compresses string
fields). A chunk is replaced as a whole (every field is written every time), so no `present`
bits are needed. Retention is the server's: a retention policy or bucket retention bounds it
(docs/operations.md).
"""

from __future__ import annotations

import binascii
import gzip
import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from stores.errors import ValidationError
from stores.model import Waveform, WaveformChunk
from stores.vitals import CHUNK_LIMIT_S
from stores.vitals.influx.lines import (
    BED_TAG,
    GZIP_LEVEL,
    SIMULATED_TAG,
    check_bed_id,
    escaped_key,
    to_ms,
)
from stores.vitals.influx.ql import beds_condition, quote_ident, quote_string, source, time_literal
from stores.vitals.waveform_codec import checked, pack_text, unpack_text

log = logging.getLogger(__name__)

MEASUREMENT = "waveform"
KIND_TAG = "waveform"


@lru_cache(maxsize=1024)
def _series_key(bed_id: str, kind: str, simulated: bool = False) -> str:
    """`waveform,bed=<escaped id>,waveform=ecg_ii` (and `simulated=true` for the simulator's),
    escaped as line protocol (`lines.escaped_key`)."""
    tags = [(BED_TAG, check_bed_id(bed_id)), (KIND_TAG, kind)]
    return escaped_key(MEASUREMENT, tags + ([(SIMULATED_TAG, "true")] if simulated else []))


def encode_chunks(chunks: Sequence[WaveformChunk]) -> bytes:
    """The chunks as one gzip-compressed write body; ValidationError before anything is sent.
    base64 has no quote or backslash, so the string field needs no escaping."""
    lines = []
    for chunk in chunks:
        checked(chunk, CHUNK_LIMIT_S)
        fields = (f"rate={float(chunk.rate_hz)!r},n={len(chunk.values)}i,"
                  f'values="{pack_text(chunk.values)}"')
        key = _series_key(chunk.bed_id, chunk.waveform.value, chunk.simulated is True)
        lines.append(f"{key} {fields} "
                     f"{to_ms(chunk.start)}")
    return gzip.compress("\n".join(lines).encode(), GZIP_LEVEL)


def queries(bed_ids: Sequence[str], since: float, waveform: Waveform | None,
            rp: str | None) -> tuple[str, str]:
    """Two queries: each series' last chunk that starts before `since` (it may end after it;
    chunks are at most CHUNK_LIMIT_S long, so no further back), and every chunk from `since`."""
    where = beds_condition(bed_ids)
    if waveform is not None:
        where += f" AND {quote_ident(KIND_TAG)} = {quote_string(waveform.value)}"
    group = f"GROUP BY {quote_ident(BED_TAG)}, {quote_ident(KIND_TAG)}"
    where_from = source(rp, MEASUREMENT)
    before = (f"SELECT * FROM {where_from} WHERE {where} "
              f"AND time >= {time_literal(since - CHUNK_LIMIT_S)} AND time < {time_literal(since)} "
              f"{group} ORDER BY time DESC LIMIT 1")
    after = f"SELECT * FROM {where_from} WHERE {where} AND time >= {time_literal(since)} {group}"
    return before, after


def chunks(results: Sequence[dict[str, Any]]) -> Iterator[WaveformChunk]:
    """Every row as a chunk; bed and waveform from the series' tags, or from columns (InfluxDB 3
    answers without series per tag). A row that is not a whole chunk (a field missing, a value
    that does not decode) is left out and logged (once per answer), never allowed to stop the
    feed that asked. InfluxDB 1.6 answers such rows for a chunk being written as it is read (some
    of a point's fields before the others): the next poll, which asks from the oldest end still
    awaited, reads it whole."""
    left_out, why = 0, ""
    for result in results:
        for series in result.get("series", ()):
            tags = series.get("tags") or {}
            at = {name: index for index, name in enumerate(series["columns"])}
            for row in series.get("values", ()):
                try:
                    yield _chunk(row, at, tags)
                except (KeyError, TypeError, ValueError, binascii.Error, ValidationError) as exc:
                    left_out, why = left_out + 1, f"{type(exc).__name__}: {exc}: {row!r:.200}"
    if left_out:
        log.warning("%d waveform row(s) left out, the last for %s", left_out, why)


def _chunk(row: list[Any], at: dict[str, int], tags: dict[str, str]) -> WaveformChunk:
    bed = tags.get(BED_TAG) or row[at[BED_TAG]]
    kind = tags.get(KIND_TAG) or row[at[KIND_TAG]]
    mark = row[at[SIMULATED_TAG]] if SIMULATED_TAG in at else tags.get(SIMULATED_TAG)
    if not isinstance(bed, str) or not isinstance(row[at["values"]], str):
        raise TypeError("no bed, or no values")
    return checked(WaveformChunk(bed, Waveform(kind), row[at["time"]] / 1000.0,
                                 float(row[at["rate"]]), unpack_text(row[at["values"]]),
                                 simulated=mark == "true"), CHUNK_LIMIT_S)


def by_bed(found: Iterator[WaveformChunk], since: float) -> dict[str, list[WaveformChunk]]:
    """The chunks that end after `since`, per bed, oldest first."""
    beds: dict[str, list[WaveformChunk]] = {}
    for chunk in found:
        if chunk.end > since:
            beds.setdefault(chunk.bed_id, []).append(chunk)
    return {bed: sorted(rows, key=lambda c: c.start) for bed, rows in beds.items()}
