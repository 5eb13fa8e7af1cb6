"""Model records to bound CQL values and back: days, milliseconds, batches per partition."""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from cassandra.query import BatchStatement, BatchType, PreparedStatement
from cassandra.util import Date

from stores.analytics.alarm_archive import archive_record, changed_at, read_archived
from stores.analytics.cassandra_bridge import Row
from stores.analytics.cassandra_cql import SUM_TYPES, SUMS
from stores.model import Alarm, WardHour, WardOccupancy

DAY_MS = 24 * 3600 * 1000
BATCH_ROWS = 200  # rows of one partition per batch; one partition's batch is one mutation
# A row written before a column was added reads null there: it had nothing to add.
_ZEROS = {name: 0.0 if kind == "double" else 0 for name, kind in SUM_TYPES.items()}


def millis(seconds: float) -> int:
    """Epoch milliseconds (CQL timestamps), rounded up so that `hour >= start` and `hour < end`
    keep their meaning for a bound between two milliseconds."""
    return math.ceil(round(seconds * 1000.0, 3))


def day_of(hour: float) -> Date:
    return Date(millis(hour) // DAY_MS)


def days_between(start: float, end: float) -> list[Date]:
    """The (region, day) partitions that hold the hours of start <= hour < end."""
    first, stop = millis(start), millis(end)
    if stop <= first:
        return []
    return [Date(day) for day in range(first // DAY_MS, (stop - 1) // DAY_MS + 1)]


def hour_batches(insert: PreparedStatement, totals: Iterable[WardHour], writer: UUID,
                 level: int) -> list[BatchStatement]:
    """The totals as unlogged batches, each within one (region, day) partition: applied as one
    mutation, atomically and in one round trip, without the batch log a multi-partition batch
    needs."""
    partitions: dict[tuple[str, int], list[WardHour]] = {}
    for total in totals:
        partitions.setdefault((total.region, day_of(total.hour).days_from_epoch), []).append(total)
    batches = []
    for rows in partitions.values():
        for first in range(0, len(rows), BATCH_ROWS):
            batch = BatchStatement(BatchType.UNLOGGED, consistency_level=level)
            batch.is_idempotent = True  # whole totals: repeating the batch changes nothing
            for total in rows[first:first + BATCH_ROWS]:
                batch.add(insert, hour_values(total, writer))
            batches.append(batch)
    return batches


def hour_values(total: WardHour, writer: UUID) -> dict[str, object]:
    return {"region": total.region, "day": day_of(total.hour), "hour": millis(total.hour),
            "ward": total.ward, "writer": writer, **{name: getattr(total, name) for name in SUMS}}


def summed_hours(region: str, rows: Iterable[Row]) -> list[WardHour]:
    """Every writer's total of a (ward, hour) added up, by hour then ward."""
    hours: dict[tuple[float, str], WardHour] = {}
    for row in rows:
        sums: dict[str, Any] = {name: _ZEROS[name] if row[name] is None else row[name]
                                for name in SUMS}
        hour = WardHour(region, row["ward"], seconds(row["hour"]), **sums)
        key = (hour.hour, hour.ward)
        hours[key] = hours[key].merged(hour) if key in hours else hour
    return [hours[key] for key in sorted(hours)]


def seconds(timestamp: datetime) -> float:
    """A CQL timestamp as the driver returns it (naive UTC datetime) in epoch seconds."""
    return calendar.timegm(timestamp.utctimetuple()) + timestamp.microsecond / 1e6


def occupancy_values(reading: WardOccupancy) -> dict[str, object]:
    return {"region": reading.region, "ward": reading.ward, "occupied": reading.occupied,
            "beds": reading.beds, "measured_at": float(reading.time),
            "written_at": round(reading.time * 1_000_000)}  # microseconds, as CQL writes count


def occupancy_row(region: str, row: Row) -> WardOccupancy:
    return WardOccupancy(region, row["ward"], row["occupied"], row["beds"], row["measured_at"])


def archived_values(alarm: Alarm) -> dict[str, object]:
    return {"region": alarm.region, "day": day_of(alarm.raised_at),
            "raised_at": float(alarm.raised_at), "id": alarm.id, "patient_id": alarm.patient_id,
            "record": archive_record(alarm),
            "written_at": round(changed_at(alarm) * 1_000_000)}  # microseconds, as CQL counts


def archived_rows(region: str, rows: Iterable[Row], patient_id: str | None) -> list[Alarm]:
    """The alarms of the rows that read (and are the patient's, if one is given), oldest first."""
    alarms = (read_archived(row["record"], region) for row in rows)
    return sorted((a for a in alarms
                   if a is not None and (patient_id is None or a.patient_id == patient_id)),
                  key=lambda a: (a.raised_at, a.id))
