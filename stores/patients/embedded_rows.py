"""How patients, beds and audit entries are laid out in the rows of the embedded SQLite file."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import date

from stores.model import AuditEntry, Bed, Patient, Sex
from stores.patients.alarm_limits import limits_from_list, limits_to_list

PATIENT_COLUMNS = tuple(f.name for f in dataclasses.fields(Patient))
BED_COLUMNS = tuple(f.name for f in dataclasses.fields(Bed))
AUDIT_COLUMNS = tuple(f.name for f in dataclasses.fields(AuditEntry))
_LISTS = ("diagnoses", "allergies", "medications")
# Bookkeeping the store sets itself: not a change a user made.
_NOT_EDITS = ("version", "updated_at")


def patient_to_row(patient: Patient) -> dict[str, object]:
    row = {name: getattr(patient, name) for name in PATIENT_COLUMNS}
    row["birth_date"] = patient.birth_date.isoformat()
    row["sex"] = patient.sex.value
    for name in _LISTS:
        row[name] = json.dumps(list(row[name]))
    row["alarm_limits"] = json.dumps(limits_to_list(patient.alarm_limits))
    return row


def patient_from_row(row: sqlite3.Row) -> Patient:
    values = {name: row[name] for name in PATIENT_COLUMNS}
    values["birth_date"] = date.fromisoformat(values["birth_date"])
    values["sex"] = Sex(values["sex"])
    for name in _LISTS:
        values[name] = tuple(json.loads(values[name]))
    values["alarm_limits"] = limits_from_list(json.loads(values["alarm_limits"]), values["id"])
    return Patient(**values)


def bed_from_row(row: sqlite3.Row) -> Bed:
    return Bed(**{name: row[name] for name in BED_COLUMNS})


def audit_from_row(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(**{name: row[name] for name in AUDIT_COLUMNS})


def changed_fields(before: Patient, after: Patient) -> list[str]:
    """The fields a user changed, in the record's own order."""
    return [
        name
        for name in PATIENT_COLUMNS
        if name not in _NOT_EDITS and getattr(before, name) != getattr(after, name)
    ]


def placeholders(columns: tuple[str, ...]) -> str:
    return ", ".join(f":{name}" for name in columns)
