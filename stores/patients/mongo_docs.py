"""How patients, beds and audit entries are laid out in the documents of the MongoDB backend."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from stores.model import AuditEntry, Bed, Patient, Sex
from stores.patients.alarm_limits import limits_from_list, limits_to_list

PATIENT_FIELDS = tuple(f.name for f in dataclasses.fields(Patient) if f.name != "id")
BED_FIELDS = tuple(f.name for f in dataclasses.fields(Bed) if f.name != "id")
AUDIT_FIELDS = tuple(f.name for f in dataclasses.fields(AuditEntry))
_LISTS = ("diagnoses", "allergies", "medications")

Document = dict[str, Any]


def patient_fields(patient: Patient) -> Document:
    """Every field of the record but its id, as stored (the body of a `$set`)."""
    doc = {name: getattr(patient, name) for name in PATIENT_FIELDS}
    # BSON has no calendar date; an ISO string round-trips exactly and sorts by date.
    doc["birth_date"] = patient.birth_date.isoformat()
    doc["sex"] = patient.sex.value
    for name in _LISTS:
        doc[name] = list(doc[name])
    doc["alarm_limits"] = limits_to_list(patient.alarm_limits)
    return doc


def patient_to_doc(patient: Patient) -> Document:
    return {"_id": patient.id, **patient_fields(patient)}


def patient_from_doc(doc: Document) -> Patient:
    """The record in a stored document; fields other tools added to it are left out."""
    values = {name: doc[name] for name in PATIENT_FIELDS if name in doc}
    values["birth_date"] = date.fromisoformat(doc["birth_date"])
    values["sex"] = Sex(doc.get("sex", Sex.UNKNOWN.value))
    for name in _LISTS:
        values[name] = tuple(doc.get(name) or ())
    for name in ("admitted_at", "updated_at"):
        values[name] = float(doc.get(name, 0.0))
    values["alarm_limits"] = limits_from_list(doc.get("alarm_limits"), str(doc.get("_id", "")))
    return Patient(id=doc["_id"], **values)


def bed_to_doc(bed: Bed) -> Document:
    return {"_id": bed.id, **{name: getattr(bed, name) for name in BED_FIELDS}}


def bed_from_doc(doc: Document) -> Bed:
    return Bed(id=doc["_id"], **{name: doc[name] for name in BED_FIELDS})


def audit_to_doc(entry: AuditEntry, region: str) -> Document:
    """An audit entry with the region of its patient: region is part of every key."""
    return {"region": region, **dataclasses.asdict(entry)}


def audit_from_doc(doc: Document) -> AuditEntry:
    return AuditEntry(**{name: doc[name] for name in AUDIT_FIELDS if name in doc})

