"""The patient store's rules and messages, worded once for every backend (and the outbox)."""

from __future__ import annotations

from datetime import date

from stores.errors import Conflict, NotFound, ValidationError
from stores.model import Patient, normalised_patient, patient_problems
from stores.patients.alarm_limits import describe_limits
from stores.patients.embedded_rows import changed_fields


def checked(patient: Patient) -> Patient:
    """The record as a store keeps it, its text in Unicode NFC (so that é typed either way is
    one MRN); ValidationError naming the first problem's field."""
    patient = normalised_patient(patient)
    check_problems(patient)
    return patient


def check_problems(patient: Patient) -> None:
    """Refuse a record with a problem, naming the first one's field."""
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


def id_taken(patient: Patient) -> ValidationError:
    return ValidationError("id", f"A patient with id {patient.id} already exists.")


def mrn_taken(patient: Patient) -> ValidationError:
    return ValidationError("mrn", f"MRN {patient.mrn} is already in use in region {patient.region}.")


def bed_taken(patient: Patient, holder: Patient | None) -> ValidationError:
    by = f" by {holder.full_name}" if holder is not None else ""
    return ValidationError("bed_id", f"Bed {patient.bed_id} is already occupied{by}.")


def update_detail(before: Patient, after: Patient) -> str:
    """The audit log's words for an update."""
    changes = changed_fields(before, after)
    if not changes:
        return "no changes"
    detail = f"changed: {', '.join(changes)}"
    if "alarm_limits" in changes:  # who set which limits matters later: say them
        detail += (f"; alarm limits {describe_limits(before.alarm_limits)} \u2192 "
                   f"{describe_limits(after.alarm_limits)}")
    return detail


def describe(patient: Patient) -> str:
    """The audit log's words for an admission or a discharge."""
    bed = patient.bed_id or "none"
    return f"{patient.full_name}, MRN {patient.mrn}, ward {patient.ward}, bed {bed}"


def by_name(patient: Patient) -> tuple[str, str, str]:
    return (patient.family_name.casefold(), patient.given_name.casefold(), patient.id)


def matches(patient: Patient, needle: str) -> bool:
    """Whether a search's (casefolded) text is in the name, MRN or bed."""
    haystacks = (patient.full_name, patient.mrn, patient.bed_id or "")
    return any(needle in haystack.casefold() for haystack in haystacks)
