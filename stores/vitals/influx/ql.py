"""InfluxQL for the vitals store: quoting of literals and identifiers, the queries, and the rows
they return turned back into `VitalSample`s.

Values are quoted here rather than bound as `params`: InfluxDB 1.x binds `$name` parameters, but
the v1 `/query` endpoint of InfluxDB 3 Core does not, and one query text must serve all versions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from stores.model import VitalSample
from stores.vitals.influx.lines import (
    BED_TAG,
    MEASUREMENT,
    PRESENT_BITS,
    PRESENT_FIELD,
    SIMULATED_TAG,
    to_ms,
)

Json = dict[str, Any]  # one statement's result, or one series of it, as InfluxDB answers

# InfluxQL's scanner knows exactly these escapes inside quotes; a raw newline ends a string.
_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n"})


def quote_string(value: str) -> str:
    """An InfluxQL string literal: 'it\\'s'."""
    return "'" + value.translate(_ESCAPES).replace("'", "\\'") + "'"


def quote_ident(name: str) -> str:
    """An InfluxQL identifier (database, retention policy, measurement): "my \\"db\\"". """
    return '"' + name.translate(_ESCAPES).replace('"', '\\"') + '"'


def time_literal(seconds: float) -> str:
    return f"{to_ms(seconds)}ms"


def source(rp: str | None, measurement: str = MEASUREMENT) -> str:
    """The measurement (the samples' by default), in a retention policy if one is named."""
    return f"{quote_ident(rp)}.{quote_ident(measurement)}" if rp else quote_ident(measurement)


def beds_condition(bed_ids: Sequence[str]) -> str:
    return "(" + " OR ".join(f"{quote_ident(BED_TAG)} = {quote_string(b)}" for b in bed_ids) + ")"


def present_condition(vital: str) -> str:
    """Only points whose `present` bit says the vital is theirs (see lines)."""
    bit = PRESENT_BITS[vital]
    return f"{quote_ident(PRESENT_FIELD)} & {bit} = {bit}"


def latest_query(bed_ids: Sequence[str], rp: str | None) -> str:
    # Whole rows, not last(*): last() picks each field's last value on its own.
    return (f"SELECT * FROM {source(rp)} WHERE {beds_condition(bed_ids)} "
            f"GROUP BY {quote_ident(BED_TAG)} ORDER BY time DESC LIMIT 1")


def history_query(bed_id: str, start: float, end: float, rp: str | None) -> str:
    return (f"SELECT * FROM {source(rp)} WHERE {beds_condition([bed_id])} "
            f"AND time >= {time_literal(start)} AND time < {time_literal(end)} ORDER BY time ASC")


def recent_query(bed_ids: Sequence[str], since: float, rp: str | None) -> str:
    return (f"SELECT * FROM {source(rp)} WHERE {beds_condition(bed_ids)} "
            f"AND time > {time_literal(since)} ORDER BY time ASC")


def health_query(rp: str | None) -> str:
    """Cheap (nothing is newer than now) yet failing as a real read would when the database,
    the retention policy or the credentials are wrong."""
    return f"SELECT * FROM {source(rp)} WHERE time > now() LIMIT 1"


def samples(results: Sequence[dict[str, Any]]) -> Iterator[VitalSample]:
    """Every row of the statement results as a sample. The bed comes from the series' tags
    (1.x and 2.x with GROUP BY) or from a `bed` column (no GROUP BY; InfluxDB 3)."""
    for result in results:
        for series in result.get("series", ()):
            columns = series["columns"]
            tags = series.get("tags", {})
            yield from _rows(columns, series.get("values", ()), tags.get(BED_TAG),
                             tags.get(SIMULATED_TAG))


def _rows(columns: list[str], rows: list[list[Any]], bed: str | None,
          simulated: str | None = None) -> Iterator[VitalSample]:
    at = {name: index for index, name in enumerate(columns)}
    time_at, bed_at, present_at = at["time"], at.get(BED_TAG), at.get(PRESENT_FIELD)
    simulated_at = at.get(SIMULATED_TAG)  # a column unless the series are grouped by it
    vitals = [(name, at[name], bit) for name, bit in PRESENT_BITS.items() if name in at]
    for row in rows:
        present = row[present_at] if present_at is not None else None
        values = {}
        for name, index, bit in vitals:
            value = row[index]
            # No `present` field (points written by other tools): trust whatever is there.
            if value is not None and (present is None or present & bit):
                values[name] = float(value)
        bed_id = bed if bed_at is None else row[bed_at]
        if not isinstance(bed_id, str):  # a row no bed can be told for: nobody's
            continue
        mark = row[simulated_at] if simulated_at is not None else simulated
        yield VitalSample(bed_id, row[time_at] / 1000.0, **values, simulated=mark == "true")
