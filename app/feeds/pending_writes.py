"""Pending writes feed: what waits in the outbox and what its store refused on delivery, for the
Pending writes screen, the status bar and the technical alarms; applying a refused write again,
or discarding it (audited)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import Signal

from app.feeds.base import Feed, action
from app.feeds.pending_records import discard_entry
from stores.errors import Conflict, NotFound, StoreError, StoreUnavailable, ValidationError
from stores.model import Patient, PendingWrite, Queued
from stores.outbox import Courier, QueuedWrite
from stores.outbox.describe import pending
from stores.patients import PatientStore

log = logging.getLogger(__name__)

REFRESH_S = 1.0  # the list is read again at most this often while writes come and go


class PendingWritesFeed(Feed):
    writes_changed = Signal(object)  # list[PendingWrite]: refused ones, then the first waiting
    counts_changed = Signal(int, int)  # waiting, refused (as the couriers keep them)
    outbox_changed = Signal(object, int)  # {store: (full, bound)}, refused: technical alarms
    delivered = Signal(object)  # PendingWrite: a queued write reached its store
    current_loaded = Signal(object, object)  # PendingWrite, the record as stored now (or None)
    done = Signal(str)  # an action worked: what became of the write
    failed = Signal(str)  # an action did not happen, and why

    def __init__(self, couriers: dict[str, Courier], patients: PatientStore, region: str,
                 user: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._couriers = couriers
        self._patients = patients
        self.region, self.user = region, user
        self._clock = clock
        self._changed = asyncio.Event()
        self._writes: dict[tuple[str, int], tuple[PendingWrite, QueuedWrite]] = {}
        self.waiting = self.refused = 0
        for courier in couriers.values():
            courier.listen(self._on_courier)

    def start(self) -> None:
        if self._couriers:
            self._changed.set()  # what an earlier run of the station left
            self.spawn(self._keep_fresh())

    @property
    def pending(self) -> int:
        return self.waiting + self.refused

    def _on_courier(self, event: str, write: QueuedWrite) -> None:
        if event == "delivered":
            self.delivered.emit(pending(write))
        self._changed.set()

    async def _keep_fresh(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            with self.reporting():
                await self.refresh()
            await asyncio.sleep(REFRESH_S)  # a draining queue is listed once a second

    async def refresh(self) -> None:
        """Read the counts (kept by the couriers) and the listed writes again."""
        # listed first, counted after: a write that is listed is always counted too (one that
        # arrives in between is counted now and listed at the next refresh)
        listed = [write for courier in self._couriers.values() for write in await courier.listed()]
        counts = {store: await c.counts() for store, c in self._couriers.items()}
        self.waiting = sum(w for w, _ in counts.values())
        self.refused = sum(r for _, r in counts.values())
        self.counts_changed.emit(self.waiting, self.refused)
        self.outbox_changed.emit({s: (c.full, c.limit) for s, c in self._couriers.items()},
                                 self.refused)
        self._writes = {(w.store, w.seq): (pending(w), w) for w in listed}
        shown = [p for p, _ in self._writes.values()]
        self.writes_changed.emit(sorted(shown, key=lambda p: (p.refused is None, p.made_at)))

    @action(str, int)
    async def load_current(self, store: str, seq: int) -> None:
        """The record a refused patient write would change, as it is stored now."""
        found = self._writes.get((store, seq))
        if found is None or not found[0].patient_id:
            return
        write = found[0]
        try:
            current = await self._patients.get(write.patient_id)
        except NotFound:
            current = None
        except StoreUnavailable as exc:
            self.failed.emit(f"The current record cannot be read: {exc.reason}")
            return
        self.current_loaded.emit(write, current)

    @action(str, int)
    async def apply_again(self, store: str, seq: int) -> None:
        found = self._writes.get((store, seq))
        if found is None:
            return self.failed.emit("That write is no longer pending.")
        write, queued = found
        try:
            args = await self._again(write, queued)
            result = await self._couriers[store].apply_again(seq, args)
        except Conflict:
            return self.failed.emit("Someone saved this patient again meanwhile; look at the "
                                    "current record and apply again.")
        except NotFound as exc:
            return self.failed.emit(f"Not applied: {exc}")
        except ValidationError as exc:
            return self.failed.emit(f"Not applied: {exc.message} ({exc.field}).")
        except StoreError as exc:
            return self.failed.emit(f"Not applied: {exc}")
        if isinstance(result, Queued):
            self.done.emit(f"{write.what}: queued again, not yet saved.")
        else:
            self.done.emit(f"{write.what}: saved.")
            self.delivered.emit(write)
        self._changed.set()

    async def _again(self, write: PendingWrite, queued: QueuedWrite) -> object:
        """The write's arguments, made now by this user; a patient change onto the record's
        current version (the user's entries win: they saw both side by side)."""
        if not isinstance(queued.args, dict) or not isinstance(write.record, Patient):
            return queued.args
        record = write.record
        if write.operation == "patients.update":
            current = await self._patients.get(write.patient_id)
            record = dataclasses.replace(record, version=current.version)
        return {**queued.args, "patient": record, "user": self.user, "at": self._clock()}

    @action(str, int)
    async def discard(self, store: str, seq: int) -> None:
        found = self._writes.get((store, seq))
        if found is None:
            return self.failed.emit("That write is no longer pending.")
        write = found[0]
        try:
            # the audit first: a discard that cannot be recorded does not happen
            await self._patients.record(discard_entry(write, self.user, self._clock()),
                                        self.region)
            await self._couriers[store].discard(seq)
        except StoreError as exc:
            return self.failed.emit(f"Not discarded: {exc}")
        log.warning("%s discarded a refused write: %s (%s)", self.user, write.what,
                    write.refused)
        self.done.emit(f"{write.what}: discarded (recorded in the audit log).")
        self._changed.set()
