"""The outbox: writes for a real store that cannot reach it, kept in the embedded file and
delivered in the order they were made when the store is back.

Each real store is wrapped (`stores.outbox.wrappers`) so that a write either reaches the store or
is queued here; its `Courier` then retries the queue in order. A write the store refuses on
delivery (a conflict, a duplicate, a record its server refuses), or that cannot be read back,
is kept with the reason, logged, and counted in the store's health: nothing a user entered is
silently dropped.
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
from stores.errors import NotFound, StoreError, StoreUnavailable
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
    unreadable: str | None = None  # why the stored payload cannot be turned back into records


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
        return [_queued(store, *row) for row in rows]

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


def _queued(store: str, seq: int, op: str, payload: str, queued_at: float) -> QueuedWrite:
    """A row as a write; one that cannot be read back (a record type this version no longer
    has, a damaged payload) says why instead of stopping the rows behind it."""
    try:
        return QueuedWrite(seq, store, op, from_json(json.loads(payload)), queued_at)
    except Exception as exc:  # whatever the payload holds, the row is at fault, not the queue
        return QueuedWrite(seq, store, op, [], queued_at,
                           unreadable=f"cannot be read back: {type(exc).__name__}: {exc}")


Deliver = Callable[[str, list], Awaitable[object]]

# A queued write whose target is already gone when it arrives has done its job: it may have been
# delivered once already (the station stopped before it could delete the row), or another
# station did the same. The patient form takes a discharge answered NotFound the same way.
_GONE_IS_DONE = frozenset({("patients", "discharge")})


class Courier:
    """Sends one store's writes: straight to the store while nothing waits, else through the
    outbox, so the store always receives them in the order they were made."""

    def __init__(self, outbox: Outbox, store: str, deliver: Deliver) -> None:
        self._outbox = outbox
        self._store = store
        self._deliver = deliver  # (op, args) -> the store's method called with args
        # Guards `_waiting` with the table: a send decides "straight or queued", and the courier
        # removes a delivered row and recounts, each as one step; neither sees the other halfway.
        self._lock = asyncio.Lock()
        self._waiting: int | None = None  # rows waiting; None until first counted
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self._closed = False

    async def send(self, op: str, args: list) -> tuple[bool, object]:
        """(True, result) if the store took the write now; (False, None) if it was queued."""
        async with self._lock:
            if await self._waiting_rows() == 0:
                try:
                    return True, await self._deliver(op, args)
                except StoreUnavailable as exc:
                    log.warning("%s: %s; keeping the write in the outbox", self._store, exc.reason)
            await self._outbox.add(self._store, op, args)
            self._waiting = (self._waiting or 0) + 1
            self.start()  # under the lock: the courier cannot be deciding it is done meanwhile
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

    async def _waiting_rows(self) -> int:
        """The rows waiting; call with the lock held."""
        if self._waiting is None:
            self._waiting = (await self._outbox.counts(self._store))[0]
        return self._waiting

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                if await self._deliver_waiting():
                    return
            except StoreUnavailable as exc:
                log.info("%s still unavailable (%s); outbox retries", self._store, exc.reason)
            except Exception:  # the table itself failed (disk full, locked): retry, never vanish
                log.exception("%s: the outbox courier failed; it tries again", self._store)
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
                    if await self._recount() == 0:
                        self._task = None  # so that the next send starts a new courier
                        return True
                continue
            for write in batch:
                await self._deliver_one(write)

    async def _deliver_one(self, write: QueuedWrite) -> None:
        if write.unreadable:
            log.error("%s: a queued %s (queued %s) %s; it stays in the outbox, refused",
                      self._store, write.op, time.ctime(write.queued_at), write.unreadable)
            return await self._settle(write, write.unreadable)
        try:
            await self._deliver(write.op, write.args)
        except StoreUnavailable:
            raise
        except NotFound as exc:
            if (self._store, write.op) not in _GONE_IS_DONE:
                return await self._refuse(write, str(exc))
            log.info("%s: a queued %s found nothing left to do: %s", self._store, write.op, exc)
        except StoreError as exc:
            return await self._refuse(write, str(exc))
        except Exception as exc:  # a bug must not block the queue behind it; keep the write
            log.exception("%s: delivering a queued %s failed", self._store, write.op)
            return await self._settle(write, f"{type(exc).__name__}: {exc}")
        await self._settle(write, None)

    async def _refuse(self, write: QueuedWrite, reason: str) -> None:
        log.error("%s refused a queued %s (queued %s): %s; it stays in the outbox",
                  self._store, write.op, time.ctime(write.queued_at), reason)
        await self._settle(write, reason)

    async def _settle(self, write: QueuedWrite, refused: str | None) -> None:
        """Take a write off the queue, delivered (`refused` None) or refused with the reason."""
        async with self._lock:
            if refused is None:
                await self._outbox.delivered(write.seq)
            else:
                await self._outbox.refused(write.seq, refused)
            await self._recount()

    async def _recount(self) -> int:
        """Count the waiting rows again; call with the lock held."""
        self._waiting = (await self._outbox.counts(self._store))[0]
        return self._waiting
