"""Regional analytics in the embedded SQLite file: additive hourly rollups, ward occupancy and the
alarm archive."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from stores.analytics import AnalyticsStore
from stores.analytics.alarm_archive import (
    archive_record,
    changed_at,
    check_archivable,
    read_archived,
)
from stores.embedded_db import EmbeddedDb
from stores.model import Alarm, StoreHealth, WardHour, WardOccupancy, hour_start

_HOUR_COLUMNS = tuple(f.name for f in dataclasses.fields(WardHour))
_KEY = ("region", "ward", "hour")
_SUMS = tuple(name for name in _HOUR_COLUMNS if name not in _KEY)  # every other field adds up
_ADD_HOURS = (
    f"INSERT INTO ward_hours ({', '.join(_HOUR_COLUMNS)}) "
    f"VALUES ({', '.join(f':{name}' for name in _HOUR_COLUMNS)}) "
    "ON CONFLICT (region, hour, ward) DO UPDATE SET "
    + ", ".join(f"{name} = {name} + excluded.{name}" for name in _SUMS)
)
_OCCUPANCY_COLUMNS = tuple(f.name for f in dataclasses.fields(WardOccupancy))
# An older reading arriving late (a station catching up) must not hide a newer one.
_RECORD_OCCUPANCY = (
    f"INSERT INTO ward_occupancy ({', '.join(_OCCUPANCY_COLUMNS)}) "
    f"VALUES ({', '.join(f':{name}' for name in _OCCUPANCY_COLUMNS)}) "
    "ON CONFLICT (region, ward) DO UPDATE SET occupied = excluded.occupied, "
    "beds = excluded.beds, time = excluded.time WHERE excluded.time >= ward_occupancy.time"
)

_ARCHIVE = (
    "INSERT INTO alarm_archive (region, raised_at, id, patient_id, changed_at, record) "
    "VALUES (:region, :raised_at, :id, :patient_id, :changed_at, :record) "
    "ON CONFLICT (region, raised_at, id) DO UPDATE SET patient_id = excluded.patient_id, "
    "changed_at = excluded.changed_at, record = excluded.record "
    "WHERE excluded.changed_at >= alarm_archive.changed_at"
)


class EmbeddedAnalyticsStore(AnalyticsStore):
    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db

    async def add_hours(self, rollups: Sequence[WardHour]) -> None:
        # Hours are keyed by their start, so a rollup stamped mid-hour still merges with its hour.
        rows = [dataclasses.asdict(r) | {"hour": hour_start(r.hour)} for r in rollups]
        if rows:
            await self._db.write(lambda conn: conn.executemany(_ADD_HOURS, rows))

    async def hours(self, region: str, start: float, end: float) -> list[WardHour]:
        sql = (
            f"SELECT {', '.join(_HOUR_COLUMNS)} FROM ward_hours "
            "WHERE region = ? AND hour >= ? AND hour < ? ORDER BY hour, ward"
        )
        rows = await self._db.read(lambda conn: conn.execute(sql, (region, start, end)).fetchall())
        return [WardHour(**dict(row)) for row in rows]

    async def record_occupancy(self, occupancy: Sequence[WardOccupancy]) -> None:
        rows = [dataclasses.asdict(o) for o in occupancy]
        if rows:
            await self._db.write(lambda conn: conn.executemany(_RECORD_OCCUPANCY, rows))

    async def occupancy(self) -> list[WardOccupancy]:
        sql = f"SELECT {', '.join(_OCCUPANCY_COLUMNS)} FROM ward_occupancy ORDER BY region, ward"
        rows = await self._db.read(lambda conn: conn.execute(sql).fetchall())
        return [WardOccupancy(**dict(row)) for row in rows]

    async def archive_alarms(self, alarms: Sequence[Alarm]) -> None:
        check_archivable(alarms)
        rows = [{"region": a.region, "raised_at": a.raised_at, "id": a.id,
                 "patient_id": a.patient_id, "changed_at": changed_at(a),
                 "record": archive_record(a)} for a in alarms]
        if rows:
            await self._db.write(lambda conn: conn.executemany(_ARCHIVE, rows))

    async def archived_alarms(self, region: str, since: float, until: float | None = None,
                              patient_id: str | None = None) -> list[Alarm]:
        sql = "SELECT record FROM alarm_archive WHERE region = ? AND raised_at >= ?"
        args: list[object] = [region, since]
        if until is not None:
            sql, args = sql + " AND raised_at < ?", [*args, until]
        if patient_id is not None:
            sql, args = sql + " AND patient_id = ?", [*args, patient_id]
        rows = await self._db.read(
            lambda conn: conn.execute(sql + " ORDER BY raised_at, id", args).fetchall())
        alarms = (read_archived(row["record"], region) for row in rows)
        return [alarm for alarm in alarms if alarm is not None]

    async def health(self) -> StoreHealth:
        return await self._db.health("analytics")

    async def close(self) -> None:
        """Nothing to do: the shared file is closed by whoever opened it."""
