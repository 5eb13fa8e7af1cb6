"""The patient store's rules and messages, as the embedded store words them, for the MongoDB one."""

from __future__ import annotations

from datetime import date

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from stores.errors import Conflict, NotFound, StoreError, StoreUnavailable, ValidationError
from stores.model import Patient, patient_problems
from stores.patients.embedded_rows import changed_fields
from stores.patients.mongo_docs import patient_from_doc
from stores.patients.mongo_errors import duplicate_field


def check_problems(patient: Patient) -> None:
    problems = patient_problems(patient, date.today())
    if problems:
        raise ValidationError(problems[0].field, problems[0].message)


def not_found(patient_id: str) -> NotFound:
    return NotFound(f"No admitted patient has the id {patient_id}.")


def conflict(stored: Patient, version: int) -> Conflict:
    return Conflict(
        f"{stored.full_name} was changed by someone else since version {version} "
        f"(now {stored.version}); reload and apply the change again."
    )


async def taken(patients: AsyncCollection, exc: DuplicateKeyError | None,
                patient: Patient) -> StoreError:
    """The ValidationError for the unique key `patient` collides on: the one the server named
    in `exc`, or, when it named none, the one another patient holds."""
    field = duplicate_field(exc) if exc is not None else await _held_key(patients, patient)
    if field == "id":
        return ValidationError("id", f"A patient with id {patient.id} already exists.")
    if field == "mrn":
        return ValidationError(
            "mrn", f"MRN {patient.mrn} is already in use in region {patient.region}.")
    if field == "bed_id":
        other = await patients.find_one(_holder(patient, "bed_id"))
        by = f" by {patient_from_doc(other).full_name}" if other else ""
        return ValidationError("bed_id", f"Bed {patient.bed_id} is already occupied{by}.")
    return StoreUnavailable("the server refused the change without giving a reason")


async def _held_key(patients: AsyncCollection, patient: Patient) -> str | None:
    for field in ("mrn", "bed_id"):
        if getattr(patient, field) and await patients.find_one(_holder(patient, field)):
            return field
    return None


def _holder(patient: Patient, field: str) -> dict:
    """Another patient of the region holding the same value of `field`."""
    return {"region": patient.region, field: getattr(patient, field), "_id": {"$ne": patient.id}}


def update_detail(before: Patient, after: Patient) -> str:
    changes = changed_fields(before, after)
    return f"changed: {', '.join(changes)}" if changes else "no changes"


def describe(patient: Patient) -> str:
    bed = patient.bed_id or "none"
    return f"{patient.full_name}, MRN {patient.mrn}, ward {patient.ward}, bed {bed}"


def by_name(patient: Patient) -> tuple[str, str, str]:
    return (patient.family_name.casefold(), patient.given_name.casefold(), patient.id)


def matches(patient: Patient, needle: str) -> bool:
    haystacks = (patient.full_name, patient.mrn, patient.bed_id or "")
    return any(needle in haystack.casefold() for haystack in haystacks)
