"""Vital signs in the embedded SQLite file: one row per (bed, time), one column per vital."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from stores.embedded_db import EmbeddedDb
from stores.model import StoreHealth, Vital, VitalSample
from stores.vitals import VitalsStore

_COLUMNS = ("bed_id", "time", *(vital.value for vital in Vital))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM vitals"
_UPSERT = (
    f"INSERT OR REPLACE INTO vitals ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _COLUMNS)})"
)


class EmbeddedVitalsStore(VitalsStore):
    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db

    async def write(self, samples: Sequence[VitalSample]) -> None:
        if not samples:
            return
        rows = [tuple(getattr(sample, column) for column in _COLUMNS) for sample in samples]
        await self._db.write(lambda conn: conn.executemany(_UPSERT, rows))

    async def latest(self, bed_ids: Iterable[str]) -> dict[str, VitalSample]:
        beds = list(dict.fromkeys(bed_ids))

        def query(conn: sqlite3.Connection) -> dict[str, VitalSample]:
            # One primary-key seek per bed: cheaper than a GROUP BY over the whole history.
            found = {}
            for bed_id in beds:
                sql = f"{_SELECT} WHERE bed_id = ? ORDER BY time DESC LIMIT 1"
                row = conn.execute(sql, (bed_id,)).fetchone()
                if row is not None:
                    found[bed_id] = _sample(row)
            return found

        return await self._db.read(query) if beds else {}

    async def history(self, bed_id: str, start: float, end: float) -> list[VitalSample]:
        sql = f"{_SELECT} WHERE bed_id = ? AND time >= ? AND time < ? ORDER BY time"
        rows = await self._db.read(lambda conn: conn.execute(sql, (bed_id, start, end)).fetchall())
        return [_sample(row) for row in rows]

    async def recent(self, bed_ids: Iterable[str], since: float) -> dict[str, list[VitalSample]]:
        beds = list(dict.fromkeys(bed_ids))
        sql = f"{_SELECT} WHERE bed_id = ? AND time > ? ORDER BY time"

        def query(conn: sqlite3.Connection) -> dict[str, list[VitalSample]]:
            found = {}
            for bed_id in beds:
                samples = [_sample(row) for row in conn.execute(sql, (bed_id, since))]
                if samples:
                    found[bed_id] = samples
            return found

        return await self._db.read(query) if beds else {}

    async def health(self) -> StoreHealth:
        return await self._db.health("vitals")

    async def close(self) -> None:
        """Nothing to do: the shared file is closed by whoever opened it."""


def _sample(row: sqlite3.Row) -> VitalSample:
    return VitalSample(**{column: row[column] for column in _COLUMNS})
