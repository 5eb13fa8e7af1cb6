"""Patient records, ward layout and the audit log: the interface every backend implements."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from stores.model import AuditEntry, Bed, Patient, Queued
from stores.store import Store


class PatientStore(Store):
    """Admitted patients, the beds they lie in, and who changed what.

    Every change is validated with `stores.model.patient_problems` (a failure raises
    `ValidationError` for the first problem) and written to the audit log. A change takes `at`,
    the time it was made (default now): a change delivered later from the outbox keeps the time
    the user made it, in the record and in the audit log. A real store wrapped with the outbox
    answers a change it had to queue with `stores.model.Queued` instead.
    """

    @abc.abstractmethod
    async def set_beds(self, beds: Sequence[Bed]) -> None:
        """Declare the beds of the hospital (idempotent; used when a ward is set up)."""

    @abc.abstractmethod
    async def beds(self, ward: str) -> list[Bed]:
        """A ward's beds in grid order."""

    @abc.abstractmethod
    async def search(self, region: str, ward: str | None = None, text: str = "") -> list[Patient]:
        """Patients of a region (and ward), whose name, MRN or bed contains `text`, by name."""

    @abc.abstractmethod
    async def get(self, patient_id: str) -> Patient:
        """One patient; `NotFound` if there is none with that id."""

    @abc.abstractmethod
    async def create(self, patient: Patient, user: str,
                     at: float | None = None) -> Patient | Queued:
        """Admit a patient; returns it saved with version 1. A taken MRN in the region or an
        occupied bed raises `ValidationError` on that field."""

    @abc.abstractmethod
    async def update(self, patient: Patient, user: str,
                     at: float | None = None) -> Patient | Queued:
        """Save a change made to `patient` as read at `patient.version`; returns the saved record
        with the version raised by one. `Conflict` if someone saved in between."""

    @abc.abstractmethod
    async def discharge(self, patient_id: str, user: str,
                        at: float | None = None) -> Queued | None:
        """Remove a patient from the ward (the audit log keeps the record of it)."""

    @abc.abstractmethod
    async def record(self, entry: AuditEntry, region: str) -> Queued | None:
        """Add to the audit log something done outside the records (an alarm acknowledged, in
        `region`), as it is: time and user are the caller's."""

    @abc.abstractmethod
    async def audit_log(self, patient_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest entries first, optionally for one patient."""
