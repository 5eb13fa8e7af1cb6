"""Writes kept in the outbox: what a store answers for a write it queued, and a pending write
as people see it."""

from __future__ import annotations

from dataclasses import dataclass

from stores.model.ward import Patient


@dataclass(frozen=True)
class Queued:
    """What a store answers for a write it could not take now: kept in the outbox as write
    `seq` of `store`, to be delivered when the store returns. Not saved yet; `record` is what
    the write will save (a patient as it will be stored), where there is one."""

    store: str
    seq: int
    made_at: float
    record: object | None = None


@dataclass(frozen=True)
class PendingWrite:
    """A write waiting in the outbox, or refused by its store on delivery: who made it, when,
    what, and (for a patient) the user's entries."""

    store: str
    seq: int
    operation: str  # the stable operation name, "patients.update"
    made_at: float
    user: str
    what: str
    patient_id: str | None = None
    record: Patient | None = None
    refused: str | None = None  # why the store refused it on delivery; None while it waits

    @property
    def state(self) -> str:
        return "refused" if self.refused is not None else "queued"
