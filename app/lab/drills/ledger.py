"""A drill's own record of the writes it made and the reads it asked for: each write by a key
of its own, with when it was made, whether the outbox kept it, when the store took it (at once
or delivered later) or why it was refused; each read with whether it failed and which writes
the store had taken before it began but it did not return. The figures are worked out from
these records, never from what a store reports about itself."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from stores.errors import StoreError
from stores.outbox import QueuedWrite

KeyOf = Callable[[str, object], str | None]  # (operation, arguments) -> the write's key


@dataclass
class WriteRecord:
    key: str
    made_at: float  # monotonic
    returned_at: float | None = None  # the writer had its answer (taken, kept or failed)
    queued_at: float | None = None  # the store was away: the outbox kept it
    taken_at: float | None = None  # the store took it (at once, or delivered from the outbox)
    refused: str | None = None  # the store refused it on delivery (kept, refused, in the outbox)
    failed: str | None = None  # raised to the writer: not kept anywhere


class WriteLedger:
    """The writes to one store, as the drill made them and as its outbox told of them."""

    def __init__(self, store: str, key_of: KeyOf, clock: Callable[[], float] = time.monotonic):
        self.store = store
        self.records: dict[str, WriteRecord] = {}
        self._key_of, self._clock = key_of, clock

    def listen(self, store: object) -> None:
        """Hear what `store`'s outbox does with each write (an embedded store has none)."""
        courier = getattr(store, "courier", None)
        if courier is not None:
            courier.listen(self.heard)

    async def write(self, key: str, call: Callable[[], Awaitable[object]],
                    raising: bool = False) -> bool:
        """Make one write, recorded under `key`; whether the store took it or kept it (with
        `raising`, a store's error is raised again once recorded, for a writer that keeps
        what failed)."""
        record = self.records[key] = WriteRecord(key, self._clock())
        try:
            await call()
        except StoreError as exc:
            record.failed = str(exc) or type(exc).__name__
            if raising:
                raise
            return False
        finally:
            record.returned_at = self._clock()
        if record.queued_at is None:  # the outbox tells of a kept write before send returns
            record.taken_at = self._clock()
        return True

    def heard(self, event: str, write: QueuedWrite) -> None:
        """The outbox's word on a write: "queued", "delivered", "refused" (or "discarded")."""
        key = self._key_of(write.op, write.args)
        record = self.records.get(key) if key is not None else None
        if record is None:
            return  # not one of the drill's (an earlier run's, or the drill's tidying)
        if event == "queued":
            record.queued_at = self._clock()
        elif event == "delivered":
            record.taken_at = self._clock()
        elif event == "refused":
            record.refused = write.refused or "refused"

    def counts(self) -> dict[str, int]:
        records = self.records.values()
        return {"made": len(self.records),
                "queued": sum(r.queued_at is not None for r in records),
                "delivered": sum(r.queued_at is not None and r.taken_at is not None
                                 for r in records),
                "refused": sum(r.refused is not None for r in records),
                "failed": sum(r.failed is not None for r in records)}

    def figures(self) -> dict[str, int]:
        """The running counts, by store (the window's counters)."""
        return {f"{self.store}_writes_{name}": value for name, value in self.counts().items()}

    def taken_before(self, at: float) -> set[str]:
        return {r.key for r in self.records.values() if r.taken_at is not None
                and r.taken_at < at}

    def first_taken(self, made_after: float) -> float | None:
        """When the store first took a write made after `made_after` (the station's writes
        land again)."""
        return min((r.taken_at for r in self.records.values()
                    if r.made_at >= made_after and r.taken_at is not None), default=None)

    def longest_wait(self) -> float | None:
        """The longest a write waited between being made and being taken."""
        return max((r.taken_at - r.made_at for r in self.records.values()
                    if r.taken_at is not None), default=None)

    def last_delivered(self) -> float | None:
        """When the last write the outbox kept was delivered (None: none was kept)."""
        return max((r.taken_at for r in self.records.values()
                    if r.queued_at is not None and r.taken_at is not None), default=None)

    def longest_call(self) -> float | None:
        """The longest a writer waited for its answer (the store's time-out before the
        outbox took the write over, say)."""
        return max((r.returned_at - r.made_at for r in self.records.values()
                    if r.returned_at is not None), default=None)

    def waiting(self) -> int:
        """Writes kept and neither taken nor refused yet."""
        return sum(r.queued_at is not None and r.taken_at is None and r.refused is None
                   for r in self.records.values())

    def outcome(self, found: Collection[str]) -> dict[str, object]:
        """The writes' figures once the store is read back: `found`, the keys it holds. A
        write the store took (or kept) and does not hold is lost; one refused is counted as
        refused, one that failed at once as failed (its writer was told)."""
        counts = self.counts()
        lost = sorted(r.key for r in self.records.values()
                      if r.failed is None and r.refused is None and r.key not in found)
        return {"writes_made": counts["made"], "writes_queued": counts["queued"],
                "writes_delivered": counts["delivered"], "writes_refused": counts["refused"],
                "writes_failed": counts["failed"], "writes_lost": len(lost),
                "writes_lost_keys": _some(lost)}


@dataclass
class ReadRecord:
    at: float  # when it began (monotonic)
    took_s: float
    failed: str | None = None
    missed: int = 0  # writes the store had taken before the read began, not in its answer


class ReadLedger:
    """The reads a drill asked for, each checked against the writes taken before it began."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.records: list[ReadRecord] = []
        self._clock = clock

    async def read(self, call: Callable[[], Awaitable[Collection[str]]],
                   expected: Callable[[float], set[str]]) -> None:
        """Read (the keys found); a StoreError is a failed read, a key of `expected(began)`
        missing from the answer a stale one."""
        began = self._clock()
        must = expected(began)
        try:
            found = await call()
        except StoreError as exc:
            self.records.append(ReadRecord(began, self._clock() - began,
                                           failed=str(exc) or type(exc).__name__))
            return
        self.records.append(ReadRecord(began, self._clock() - began,
                                       missed=len(must - set(found))))

    def first_stale(self) -> float | None:
        """When the first stale read began."""
        return next((r.at for r in self.records if r.missed), None)

    def figures(self) -> dict[str, object]:
        failed = [r for r in self.records if r.failed is not None]
        return {"reads_made": len(self.records), "reads_failed": len(failed),
                "reads_stale": sum(r.missed > 0 for r in self.records),
                "reads_failed_why": failed[-1].failed[:200] if failed else ""}


def _some(keys: list[str], most: int = 5) -> str:
    """A few of `keys` for people, and how many more."""
    shown = ", ".join(keys[:most])
    return shown + (f" and {len(keys) - most} more" if len(keys) > most else "")
