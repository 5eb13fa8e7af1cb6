"""The outbox: writes for a real store that cannot reach it, kept in the embedded file and
delivered in the order they were made when the store is back.

Each real store is wrapped (`stores.outbox.wrappers`) so that a write either reaches the store or
is queued here, and the caller is told which (`stores.model.Queued`); its `Courier` then retries
the queue in order. A write the store refuses on delivery (a conflict, a duplicate, a record its
server refuses), or that cannot be read back, is kept with the reason, logged, and counted in the
store's health; people see it on the station's Pending writes screen and either apply it again or
discard it. Nothing a user entered is silently dropped: a queue at its bound refuses new writes
(`OutboxFull`) rather than dropping any.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable

from stores.backoff import backoff_s
from stores.errors import NotFound, OutboxFull, StoreError, StoreUnavailable
from stores.model import Queued
from stores.outbox.table import BATCH, Outbox, QueuedWrite

log = logging.getLogger(__name__)

RETRY_S, RETRY_CAP_S = 0.5, 5.0  # waits between delivery attempts while the store stays away
DEFAULT_LIMIT = 10_000  # writes kept per store: hours of a ward's vital signs, years of edits

Deliver = Callable[[str, object], Awaitable[object]]
# (event, write): "queued", "delivered", "refused", "discarded"; called on the loop
Listener = Callable[[str, QueuedWrite], None]

# A queued write whose target is already gone when it arrives has done its job: it may have been
# delivered once already (the station stopped before it could delete the row), or another
# station did the same. The patient form takes a discharge answered NotFound the same way.
_GONE_IS_DONE = frozenset({("patients", "patients.discharge"), ("patients", "discharge")})

__all__ = ["BATCH", "DEFAULT_LIMIT", "Courier", "Outbox", "QueuedWrite"]


class Courier:
    """Sends one store's writes: straight to the store while nothing waits, else through the
    outbox, so the store always receives them in the order they were made.

    It keeps the count of waiting and refused writes (counted in the table once, then kept on
    every enqueue, delivery, refusal and discard) and tells its listeners of each."""

    def __init__(self, outbox: Outbox, store: str, deliver: Deliver,
                 limit: int = DEFAULT_LIMIT) -> None:
        self._outbox = outbox
        self.store = self._store = store
        self._deliver = deliver  # (op, args) -> the store's method called with args
        self.limit = limit
        # Guards the counts with the table: a send decides "straight or queued", and the courier
        # removes a delivered row and counts it, each as one step; neither sees the other halfway.
        self._lock = asyncio.Lock()
        self._waiting: int | None = None  # rows waiting; None until first counted
        self._refused = 0
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closed = False

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def full(self) -> bool:
        """Whether the outbox holds as many of this store's writes as it may."""
        return self._waiting is not None and self._waiting + self._refused >= self.limit

    async def send(self, op: str, args: object, made_at: float | None = None) -> object:
        """The store's answer if it took the write now; `Queued` if it was kept in the outbox.
        Raises OutboxFull, keeping nothing, when the store is away and the outbox is full."""
        made_at = time.time() if made_at is None else made_at
        async with self._lock:
            waiting = await self._count()
            if waiting == 0:
                try:
                    return await self._deliver(op, args)
                except StoreUnavailable as exc:
                    log.warning("%s: %s; keeping the write in the outbox", self._store, exc.reason)
                except asyncio.CancelledError:
                    # The station is closing with the write on its way: kept, never dropped, as
                    # a write whose answer never came (a time-out) is: delivered again later.
                    await self._keep_cut_short(op, args, made_at)
                    raise
            seq = await self._keep(op, args, made_at, waiting)
            if seq is None:
                raise OutboxFull(
                    f"the {self._store} store is unavailable and its outbox is full ("
                    f"{self.limit} writes kept); nothing more is kept until the store returns "
                    "or the pending writes are dealt with")
            self.start()  # under the lock: the courier cannot be deciding it is done meanwhile
        self._tell("queued", QueuedWrite(seq, self._store, op, args, made_at))
        return Queued(self._store, seq, made_at)

    async def _keep_cut_short(self, op: str, args: object, made_at: float) -> None:
        if await self._keep(op, args, made_at, await self._count()) is None:
            log.error("%s: a write cut short by the close is lost: the outbox is full (%s)",
                      self._store, op)
        else:
            log.warning("%s: a write cut short by the close is kept in the outbox (%s)",
                        self._store, op)

    async def _keep(self, op: str, args: object, made_at: float, waiting: int) -> int | None:
        """Add the write to the outbox (under the lock); its sequence number, or None when the
        outbox is full."""
        if waiting + self._refused >= self.limit:
            return None
        seq = await self._outbox.add(self._store, op, args, made_at)
        self._waiting = waiting + 1
        return seq

    def start(self) -> None:
        """Deliver what waits (also what an earlier run of the station left) in the background."""
        if self._closed:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"outbox courier for {self._store}")
        self._wake.set()

    async def counts(self) -> tuple[int, int]:
        """(waiting, refused) writes, as kept; the table is read only the first time."""
        waiting = self._waiting
        if waiting is None:
            async with self._lock:
                waiting = await self._count()
        return waiting, self._refused

    async def listed(self) -> list[QueuedWrite]:
        """The refused writes and the first waiting ones, for people to see."""
        return await self._outbox.listed(self._store)

    async def discard(self, seq: int) -> QueuedWrite:
        """Strike a refused write off the outbox (the caller audits it); NotFound if it is no
        longer there or not refused."""
        async with self._lock:
            await self._count()
            write = await self._refused_write(seq)
            await self._outbox.discard(seq)
            self._refused -= 1
        self._tell("discarded", write)
        return write

    async def apply_again(self, seq: int, args: object) -> object:
        """Send a refused write again with `args` (made now), then strike the refused one off;
        a refusal now raises, and the refused write stays."""
        write = await self._refused_write(seq)
        result = await self.send(write.op, args)
        await self.discard(seq)
        return result

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _refused_write(self, seq: int) -> QueuedWrite:
        write = await self._outbox.get(self._store, seq)
        if write is None or write.refused is None:
            raise NotFound(f"write {seq} is no longer refused in the outbox")
        return write

    def _tell(self, event: str, write: QueuedWrite) -> None:
        for listener in self._listeners:
            try:
                listener(event, write)
            except Exception:  # a listener's bug must not stop the delivery
                log.exception("%s: an outbox listener failed on %s", self._store, event)

    async def _count(self) -> int:
        """The rows waiting; counted in the table the first time. Call with the lock held."""
        if self._waiting is None:
            self._waiting, self._refused = await self._outbox.counts(self._store)
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
            await self._pause(backoff_s(attempt, RETRY_S, RETRY_CAP_S))
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
        async with self._lock:
            await self._count()
        while True:
            batch = await self._outbox.waiting(self._store)
            if not batch:
                async with self._lock:  # no send may slip in between the last check and this
                    if self._waiting and not await self._outbox.waiting(self._store, 1):
                        log.warning("%s: %d writes counted as waiting, none found; recounted",
                                    self._store, self._waiting)
                        self._waiting, self._refused = await self._outbox.counts(self._store)
                    if self._waiting == 0:
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
            waiting = await self._count()
            if refused is None:
                settled = await self._outbox.delivered(write.seq)
            else:
                settled = await self._outbox.refused(write.seq, refused)
                self._refused += settled
            # a write already gone was taken off by another courier on the same folder (a
            # second station started on it): it counted it, not this one
            self._waiting = max(0, waiting - settled)
        self._tell("delivered" if refused is None else "refused",
                   dataclasses.replace(write, refused=refused))
