"""The outbox: writes for a real store that cannot reach it, kept in the embedded file and
delivered in the order they were made when the store is back.

Each real store is wrapped (`stores.outbox.wrappers`) so that a write either reaches the store or
is queued here; its `Courier` then retries the queue in order. A write the store refuses on
delivery (a conflict, a duplicate) is kept with the reason, logged, and counted in the store's
health: nothing a user entered is silently dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from stores.embedded_db import EmbeddedDb
from stores.errors import StoreError, StoreUnavailable
from stores.outbox.codec import from_json, to_json

log = logging.getLogger(__name__)

RETRY_S = (0.5, 1.0, 2.0, 5.0)  # waits between delivery attempts while the store stays away
BATCH = 200


@dataclass(frozen=True)
class QueuedWrite:
    seq: int
    store: str
    op: str
    args: list  # the call's arguments, as records
    queued_at: float


class Outbox:
    """The outbox table of the embedded file."""

    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db

    async def add(self, store: str, op: str, args: list) -> int:
        payload = json.dumps(to_json(args))
        return await self._db.write(lambda conn: conn.execute(
            "INSERT INTO outbox (store, op, payload, queued_at) VALUES (?, ?, ?, ?)",
            (store, op, payload, time.time())).lastrowid)

    async def waiting(self, store: str, limit: int = BATCH) -> list[QueuedWrite]:
        rows = await self._db.read(lambda conn: conn.execute(
            "SELECT seq, op, payload, queued_at FROM outbox WHERE store = ? AND refused IS NULL "
            "ORDER BY seq LIMIT ?", (store, limit)).fetchall())
        return [QueuedWrite(seq, store, op, from_json(json.loads(payload)), queued_at)
                for seq, op, payload, queued_at in rows]

    async def delivered(self, seq: int) -> None:
        await self._db.write(lambda conn: conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,)))

    async def refused(self, seq: int, reason: str) -> None:
        await self._db.write(lambda conn: conn.execute(
            "UPDATE outbox SET refused = ? WHERE seq = ?", (reason, seq)))

    async def counts(self, store: str) -> tuple[int, int]:
        """(waiting, refused) writes of a store."""

        def count(conn: sqlite3.Connection) -> tuple[int, int]:
            row = conn.execute("SELECT count(*) - count(refused), count(refused) FROM outbox "
                               "WHERE store = ?", (store,)).fetchone()
            return row[0] or 0, row[1] or 0

        return await self._db.read(count)


Deliver = Callable[[str, list], Awaitable[object]]


class Courier:
    """Sends one store's writes: straight to the store while nothing waits, else through the
    outbox, so the store always receives them in the order they were made."""

    def __init__(self, outbox: Outbox, store: str, deliver: Deliver) -> None:
        self._outbox = outbox
        self._store = store
        self._deliver = deliver  # (op, args) -> the store's method called with args
        self._lock = asyncio.Lock()
        self._waiting: int | None = None  # known after the first look at the table
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self._closed = False

    async def send(self, op: str, args: list) -> tuple[bool, object]:
        """(True, result) if the store took the write now; (False, None) if it was queued."""
        async with self._lock:
            if self._waiting is None:
                self._waiting = (await self._outbox.counts(self._store))[0]
            if self._waiting == 0:
                try:
                    return True, await self._deliver(op, args)
                except StoreUnavailable as exc:
                    log.warning("%s: %s; keeping the write in the outbox", self._store, exc.reason)
            await self._outbox.add(self._store, op, args)
            self._waiting += 1
            self.start()
            return False, None

    def start(self) -> None:
        """Deliver what waits (also what an earlier run of the station left) in the background."""
        if self._closed:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"outbox courier for {self._store}")
        self._wake.set()

    async def counts(self) -> tuple[int, int]:
        return await self._outbox.counts(self._store)

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                finished = await self._deliver_waiting()
            except StoreUnavailable as exc:
                log.info("%s still unavailable (%s); outbox retries", self._store, exc.reason)
                finished = False
            if finished:
                return
            self._wake.clear()
            await self._pause(RETRY_S[min(attempt, len(RETRY_S) - 1)])
            attempt += 1

    async def _pause(self, delay: float) -> None:
        """Sleep `delay`, or less if a new write arrives. Plain sleeps: 3.11's wait_for can
        swallow a cancel, and cancelling through asyncio.timeout has left qasync without its
        timers."""
        deadline = asyncio.get_running_loop().time() + delay
        while not self._wake.is_set() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)

    async def _deliver_waiting(self) -> bool:
        """Deliver in order until the queue is empty (True) or the store is away (raises)."""
        while True:
            batch = await self._outbox.waiting(self._store)
            if not batch:
                async with self._lock:  # no send may slip in between the last check and this
                    if (await self._outbox.counts(self._store))[0] == 0:
                        self._waiting = 0
                        return True
                continue
            for write in batch:
                await self._deliver_one(write)

    async def _deliver_one(self, write: QueuedWrite) -> None:
        try:
            await self._deliver(write.op, write.args)
        except StoreUnavailable:
            raise
        except StoreError as exc:
            log.error("%s refused a queued %s (queued %s): %s; it stays in the outbox",
                      self._store, write.op, time.ctime(write.queued_at), exc)
            await self._outbox.refused(write.seq, str(exc))
        except Exception as exc:  # a bug must not block the queue behind it; keep the write
            log.exception("%s: delivering a queued %s failed", self._store, write.op)
            await self._outbox.refused(write.seq, f"{type(exc).__name__}: {exc}")
        else:
            await self._outbox.delivered(write.seq)
        async with self._lock:
            self._waiting = max(0, (self._waiting or 1) - 1)
