"""The care network: who treats, nurses, covers for and escalates to whom."""

from __future__ import annotations

import abc

from stores.model import CareGraph, CareLink, Clinician
from stores.store import Store


class CareNetworkStore(Store):
    """A graph of patients and clinicians linked by `CareLink`s."""

    @abc.abstractmethod
    async def put_clinician(self, clinician: Clinician) -> None:
        """Add or update a clinician."""

    @abc.abstractmethod
    async def put_patient(self, patient_id: str, name: str) -> None:
        """Add a patient node or rename it (the patient store stays the record of truth)."""

    @abc.abstractmethod
    async def remove_patient(self, patient_id: str) -> None:
        """Remove a patient node and every link to it."""

    @abc.abstractmethod
    async def link(self, link: CareLink) -> None:
        """Add a link (idempotent). Both ends must exist, else `ValidationError`."""

    @abc.abstractmethod
    async def unlink(self, link: CareLink) -> None:
        """Remove a link if present."""

    @abc.abstractmethod
    async def clinicians(self, region: str) -> list[Clinician]: ...

    @abc.abstractmethod
    async def care_team(self, patient_id: str) -> CareGraph:
        """The patient, the clinicians linked to them, and (second hop) those clinicians' other
        patients and the clinicians they cover for or escalate to, with every link among these
        nodes. An unknown patient gives a graph with no nodes."""
