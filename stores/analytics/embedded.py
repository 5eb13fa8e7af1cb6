"""Regional analytics in the embedded SQLite file: additive hourly rollups and ward occupancy."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from stores.analytics import AnalyticsStore
from stores.embedded_db import EmbeddedDb
from stores.model import StoreHealth, WardHour, WardOccupancy, hour_start

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

    async def health(self) -> StoreHealth:
        return await self._db.health("analytics")

    async def close(self) -> None:
        """Nothing to do: the shared file is closed by whoever opened it."""
