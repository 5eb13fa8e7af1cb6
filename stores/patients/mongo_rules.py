"""Which unique key a MongoDB write collided on, in the patient store's words (`rules`), and
whether a write met the patient already saved as it would save it (a redelivered write)."""

from __future__ import annotations

import dataclasses

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from stores.errors import StoreError, ValidationError
from stores.model import Patient
from stores.patients import rules
from stores.patients.mongo_client import Document
from stores.patients.mongo_docs import patient_from_doc
from stores.patients.mongo_errors import duplicate_field


async def taken(patients: AsyncCollection[Document], exc: DuplicateKeyError | None,
                patient: Patient) -> StoreError:
    """The ValidationError for the unique key `patient` collides on: the one the server named
    in `exc`, or, when it named none, the one another patient holds."""
    field = duplicate_field(exc) if exc is not None else await _held_key(patients, patient)
    if field == "id":
        return rules.id_taken(patient)
    if field == "mrn":
        return rules.mrn_taken(patient)
    if field == "bed_id":
        other = await patients.find_one(_holder(patient, "bed_id"))
        return rules.bed_taken(patient, patient_from_doc(other) if other else None)
    # Refused for good, not unavailable: the outbox would otherwise retry it forever and hold
    # every later change of the store behind it.
    return ValidationError("record", "MongoDB refused the change without giving a reason")


async def _held_key(patients: AsyncCollection[Document], patient: Patient) -> str | None:
    for field in ("mrn", "bed_id"):
        if getattr(patient, field) and await patients.find_one(_holder(patient, field)):
            return field
    return None


def _holder(patient: Patient, field: str) -> Document:
    """Another patient of the region holding the same value of `field`."""
    return {"region": patient.region, field: getattr(patient, field), "_id": {"$ne": patient.id}}


def already_saved(stored: Patient, wanted: Patient, version: int) -> bool:
    """Whether `stored` is what saving `wanted` as `version` made: the same fields, whatever
    time the save stamped (and the admission time it chose, when `wanted` gave none)."""
    expected = dataclasses.replace(
        wanted, bed_id=wanted.bed_id or None, version=version, updated_at=stored.updated_at,
        admitted_at=wanted.admitted_at or stored.admitted_at)
    return stored == expected
