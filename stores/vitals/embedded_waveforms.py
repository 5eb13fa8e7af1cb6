"""Waveform chunks in the embedded file: one row per (bed, waveform, start), values packed as
float32, and only the last hour kept (older rows deleted by a write, at most once a minute)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

from stores.embedded_db import EmbeddedDb
from stores.model import Waveform, WaveformChunk
from stores.vitals import CHUNK_LIMIT_S
from stores.vitals.waveform_codec import checked, pack, unpack

KEEP_S = 3600.0  # a central station shows waveforms live; an hour covers any look back
EXPIRE_EVERY_S = 60.0  # 32 beds write 256 chunks a second: deleting per write would be waste

_UPSERT = ("INSERT OR REPLACE INTO waveforms (bed_id, waveform, start, end_time, rate_hz, "
           "samples, simulated) VALUES (?, ?, ?, ?, ?, ?, ?)")
_EXPIRE = "DELETE FROM waveforms WHERE end_time < ?"
# Served by waveforms_by_end: the chunks of one bed's waveform that end after `since`.
_SELECT = ("SELECT start, rate_hz, samples, simulated FROM waveforms "
           "WHERE bed_id = ? AND waveform = ? AND end_time > ? ORDER BY start")


class WaveformShelf:
    """The waveforms table and its retention."""

    def __init__(self, db: EmbeddedDb, clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        self._monotonic = monotonic
        self.keep_s = KEEP_S
        self.expire_every_s = EXPIRE_EVERY_S
        self._expired_at: float | None = None  # monotonic time of the last expiry

    async def write(self, chunks: Sequence[WaveformChunk]) -> None:
        if not chunks:
            return
        rows = [_row(checked(chunk, CHUNK_LIMIT_S)) for chunk in chunks]
        cutoff = self._cutoff(max(row[3] for row in rows))

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany(_UPSERT, rows)
            if cutoff is not None:
                conn.execute(_EXPIRE, (cutoff,))

        await self._db.write(write)

    def _cutoff(self, newest_end: float) -> float | None:
        """Where retention cuts now, if it is due: an hour before the newest chunk written (so
        replayed or test data of long ago is not thrown away as it arrives), but never later
        than an hour before the wall clock (a chunk from a clock in the future must not wipe
        the present)."""
        now = self._monotonic()
        if self._expired_at is not None and now - self._expired_at < self.expire_every_s:
            return None
        self._expired_at = now
        return min(newest_end, self._clock()) - self.keep_s

    async def read(self, bed_ids: list[str], since: float,
                   waveform: Waveform | None) -> dict[str, list[WaveformChunk]]:
        kinds = [waveform] if waveform is not None else list(Waveform)

        def query(conn: sqlite3.Connection) -> dict[str, list[WaveformChunk]]:
            found = {}
            for bed_id in bed_ids:
                chunks = [WaveformChunk(bed_id, kind, start, rate, unpack(samples), bool(sim))
                          for kind in kinds
                          for start, rate, samples, sim in conn.execute(
                              _SELECT, (bed_id, kind.value, since))]
                if chunks:
                    found[bed_id] = sorted(chunks, key=lambda c: c.start)
            return found

        return await self._db.read(query) if bed_ids else {}


def _row(chunk: WaveformChunk) -> tuple[Any, ...]:
    return (chunk.bed_id, chunk.waveform.value, float(chunk.start), chunk.end,
            float(chunk.rate_hz), pack(chunk.values), chunk.simulated is True)
