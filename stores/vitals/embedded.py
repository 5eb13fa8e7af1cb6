"""Vital signs in the embedded SQLite file: one row per (bed, time), one column per vital, a
per-minute rollup kept by every write (for trends), and the last hour of waveforms."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from stores.embedded_db import EmbeddedDb
from stores.model import StoreHealth, VitalSample, VitalTrend, Waveform, WaveformChunk
from stores.vitals import TREND_LIMIT_S, VitalsStore
from stores.vitals import embedded_rollup as sql
from stores.vitals.embedded_waveforms import WaveformShelf
from stores.vitals.trend_buckets import bucket_plan

_SELECT = f"SELECT {', '.join(sql.COLUMNS)} FROM vitals"


class EmbeddedVitalsStore(VitalsStore):
    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db
        self.waveform_shelf = WaveformShelf(db)

    async def write(self, samples: Sequence[VitalSample]) -> None:
        if not samples:
            return
        samples = list(samples)
        # Rows are made on the writer's thread: a batch of 100 000 samples (the ingest
        # bench's) takes a good part of a second to convert, which the window must not wait for.
        await self._db.write(lambda conn: sql.write_samples(conn, sql.cleaned_rows(samples)))

    async def write_waveforms(self, chunks: Sequence[WaveformChunk]) -> None:
        await self.waveform_shelf.write(chunks)

    async def waveforms(self, bed_ids: Iterable[str], since: float,
                        waveform: Waveform | None = None) -> dict[str, list[WaveformChunk]]:
        return await self.waveform_shelf.read(list(dict.fromkeys(bed_ids)), since, waveform)

    async def trend(self, bed_id: str, start: float, end: float, buckets: int) -> VitalTrend:
        plan = bucket_plan(start, end, buckets, TREND_LIMIT_S)
        return await self._db.read(lambda conn: sql.trend(conn, bed_id, plan))

    async def latest(self, bed_ids: Iterable[str]) -> dict[str, VitalSample]:
        beds = list(dict.fromkeys(bed_ids))

        def query(conn: sqlite3.Connection) -> dict[str, VitalSample]:
            # One primary-key seek per bed: cheaper than a GROUP BY over the whole history.
            found = {}
            for bed_id in beds:
                sql_text = f"{_SELECT} WHERE bed_id = ? ORDER BY time DESC LIMIT 1"
                row = conn.execute(sql_text, (bed_id,)).fetchone()
                if row is not None:
                    found[bed_id] = _sample(row)
            return found

        return await self._db.read(query) if beds else {}

    async def history(self, bed_id: str, start: float, end: float) -> list[VitalSample]:
        sql_text = f"{_SELECT} WHERE bed_id = ? AND time >= ? AND time < ? ORDER BY time"
        rows = await self._db.read(
            lambda conn: conn.execute(sql_text, (bed_id, start, end)).fetchall())
        return [_sample(row) for row in rows]

    async def recent(self, bed_ids: Iterable[str], since: float) -> dict[str, list[VitalSample]]:
        beds = list(dict.fromkeys(bed_ids))
        sql_text = f"{_SELECT} WHERE bed_id = ? AND time > ? ORDER BY time"

        def query(conn: sqlite3.Connection) -> dict[str, list[VitalSample]]:
            found = {}
            for bed_id in beds:
                samples = [_sample(row) for row in conn.execute(sql_text, (bed_id, since))]
                if samples:
                    found[bed_id] = samples
            return found

        return await self._db.read(query) if beds else {}

    async def health(self) -> StoreHealth:
        return await self._db.health("vitals")

    async def close(self) -> None:
        """Nothing to do: the shared file is closed by whoever opened it."""


def _sample(row: sqlite3.Row) -> VitalSample:
    values = {column: row[column] for column in sql.COLUMNS}
    values["simulated"] = bool(values["simulated"])
    return VitalSample(**values)
