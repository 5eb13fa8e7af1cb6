"""The ward and its patients: beds, patient records and the checks a record must pass, and the
audit log's entries."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stores import patient_text
from stores.model.limits import AlarmLimits, alarm_limit_problems
from stores.model.problems import FieldProblem


@dataclass(frozen=True)
class Bed:
    """A bed in a ward. `id` is unique across the hospital, e.g. "north-1-07"."""

    id: str
    region: str
    ward: str
    label: str  # what the nurse reads: "Bed 7"
    position: int  # 1-based place in the ward's grid




class Sex(str, enum.Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Patient:
    """An admitted patient. `version` grows by one on every saved change (optimistic locking)."""

    id: str
    region: str
    ward: str
    mrn: str  # medical record number, unique within a region
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex = Sex.UNKNOWN
    bed_id: str | None = None
    weight_kg: float | None = None
    diagnoses: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    notes: str = ""
    admitted_at: float = 0.0
    updated_at: float = 0.0
    version: int = 0
    alarm_limits: tuple[AlarmLimits, ...] = ()  # this patient's own limits, one per vital at most

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@dataclass(frozen=True)
class Ward:
    """A ward as the station shows it: its beds in order, and the patient in each occupied bed."""

    beds: tuple[Bed, ...] = ()
    patients_by_bed: Mapping[str, Patient] = field(default_factory=dict)

    @property
    def patients(self) -> list[Patient]:
        """The ward's patients, by bed id."""
        return [self.patients_by_bed[bed_id] for bed_id in sorted(self.patients_by_bed)]

    @property
    def bed_ids(self) -> list[str]:
        return [bed.id for bed in self.beds]

    def patient(self, patient_id: str | None) -> Patient | None:
        """The patient of that id in one of the ward's beds, or None."""
        return next((p for p in self.patients_by_bed.values() if p.id == patient_id), None)

    def bed(self, bed_id: str | None) -> Bed | None:
        return next((bed for bed in self.beds if bed.id == bed_id), None)


MAX_WEIGHT_KG = 500.0
REQUIRED_PATIENT_FIELDS = ("region", "ward", "mrn", "given_name", "family_name")


def patient_problems(patient: Patient, today: date) -> list[FieldProblem]:
    """What stops this patient record from being saved; empty when it is valid.

    The form shows these inline and every patient store refuses a record that has any, so the
    rules live here once.
    """
    problems = [
        FieldProblem(name, "Required.")
        for name in REQUIRED_PATIENT_FIELDS
        if not str(getattr(patient, name)).strip()
    ]
    if patient.birth_date > today:
        problems.append(FieldProblem("birth_date", "Birth date is in the future."))
    elif patient.birth_date.year < today.year - 130:
        problems.append(FieldProblem("birth_date", "Birth date is more than 130 years ago."))
    if patient.weight_kg is not None and not (0 < patient.weight_kg <= MAX_WEIGHT_KG):
        problems.append(
            FieldProblem("weight_kg", f"Weight must be between 0 and {MAX_WEIGHT_KG:g} kg.")
        )
    problems += patient_text_problems(patient)
    problems += alarm_limit_problems(patient.alarm_limits)
    return problems


def patient_text_problems(patient: Patient) -> list[FieldProblem]:
    """Text too long, not NFC, or holding an invisible or control character (see
    `stores.patient_text`): a look-alike MRN must not pass the uniqueness check."""
    problems = []
    for name in patient_text.MAX_LENGTHS:
        value = getattr(patient, name)
        problem = patient_text.value_problem(name, value) if value else None
        if problem:
            problems.append(FieldProblem(name, problem))
    for name in patient_text.LIST_FIELDS:
        problem = patient_text.list_problem(name, getattr(patient, name))
        if problem:
            problems.append(FieldProblem(name, problem))
    return problems


def normalised_patient(patient: Patient) -> Patient:
    """`patient` with every text in Unicode NFC (what the stores keep and compare)."""
    texts: dict[str, Any] = {name: patient_text.normalised(getattr(patient, name))
             for name in patient_text.MAX_LENGTHS if getattr(patient, name)}
    lists: dict[str, Any] = {name: tuple(patient_text.normalised(item) for item in getattr(patient, name))
             for name in patient_text.LIST_FIELDS}
    return dataclasses.replace(patient, **texts, **lists)



@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, and when (written by the patient store on every change)."""

    time: float
    user: str
    action: str  # "create", "update", "discharge", ...
    patient_id: str
    detail: str = ""
