"""The outbox table of the embedded file: queued writes, in the order they were made."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass

from stores.embedded_db import EmbeddedDb
from stores.outbox.codec import from_json, to_json
from stores.outbox.operations import PAYLOAD_VERSION, upgrade

BATCH = 200
LISTED = 500  # waiting writes listed for people; the count says how many more there are

_COLUMNS = "seq, op, payload_version, payload, queued_at, refused"


@dataclass(frozen=True)
class QueuedWrite:
    seq: int
    store: str
    op: str  # the stable operation name (`stores.outbox.operations`)
    args: object  # the call's arguments by name, as records
    queued_at: float  # when the write was made
    unreadable: str | None = None  # why the stored payload cannot be turned back into records
    refused: str | None = None  # why the store refused it on delivery


class Outbox:
    """The outbox table of the embedded file."""

    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db

    async def add(self, store: str, op: str, args: object, made_at: float | None = None) -> int:
        payload = json.dumps(to_json(args))
        made_at = time.time() if made_at is None else made_at

        def insert(conn: sqlite3.Connection) -> int:
            seq = conn.execute(
                "INSERT INTO outbox (store, op, payload_version, payload, queued_at) "
                "VALUES (?, ?, ?, ?, ?)", (store, op, PAYLOAD_VERSION, payload, made_at)).lastrowid
            assert seq is not None, "a row inserted has a rowid"
            return seq

        return await self._db.write(insert)

    async def waiting(self, store: str, limit: int = BATCH) -> list[QueuedWrite]:
        return await self._select(store, "refused IS NULL", limit)

    async def listed(self, store: str, limit: int = LISTED) -> list[QueuedWrite]:
        """Every refused write of a store, and the first `limit` waiting ones."""
        refused = await self._select(store, "refused IS NOT NULL", -1)
        return sorted(refused + await self.waiting(store, limit), key=lambda w: w.seq)

    async def get(self, store: str, seq: int) -> QueuedWrite | None:
        rows = await self._db.read(lambda conn: conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE store = ? AND seq = ?", (store, seq)).fetchall())
        return _queued(store, *rows[0]) if rows else None

    async def delivered(self, seq: int) -> bool:
        """Strike the write off; whether it was still there (another courier on the same
        folder, a second station started on it, may have delivered it first)."""
        return await self._db.write(lambda conn: conn.execute(
            "DELETE FROM outbox WHERE seq = ?", (seq,)).rowcount == 1)

    async def discard(self, seq: int) -> None:
        await self.delivered(seq)

    async def refused(self, seq: int, reason: str) -> bool:
        """Mark the waiting write refused; whether it was still there and waiting."""
        return await self._db.write(lambda conn: conn.execute(
            "UPDATE outbox SET refused = ? WHERE seq = ? AND refused IS NULL",
            (reason, seq)).rowcount == 1)

    async def counts(self, store: str) -> tuple[int, int]:
        """(waiting, refused) writes of a store, counted in the table."""

        def count(conn: sqlite3.Connection) -> tuple[int, int]:
            row = conn.execute("SELECT count(*) - count(refused), count(refused) FROM outbox "
                               "WHERE store = ?", (store,)).fetchone()
            return row[0] or 0, row[1] or 0

        return await self._db.read(count)

    async def _select(self, store: str, where: str, limit: int) -> list[QueuedWrite]:
        rows = await self._db.read(lambda conn: conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE store = ? AND {where} ORDER BY seq LIMIT ?",
            (store, limit)).fetchall())
        return [_queued(store, *row) for row in rows]


def _queued(store: str, seq: int, op: str, version: int, payload: str, queued_at: float,
            refused: str | None) -> QueuedWrite:
    """A row as a write; one that cannot be read back (a record type this version no longer
    has, a damaged payload, a newer payload version) says why instead of stopping the rows
    behind it."""
    try:
        op, args = upgrade(store, op, version, from_json(json.loads(payload)), queued_at)
        return QueuedWrite(seq, store, op, args, queued_at, refused=refused)
    except Exception as exc:  # whatever the payload holds, the row is at fault, not the queue
        return QueuedWrite(seq, store, op, [], queued_at, refused=refused,
                           unreadable=f"cannot be read back: {type(exc).__name__}: {exc}")
