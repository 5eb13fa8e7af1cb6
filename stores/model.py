"""Domain records that flow through the whole station: beds, patients, vitals, alarms, care links.

Every record is a frozen dataclass. Times of measurements and alarms are UNIX epoch seconds
(UTC, float); calendar dates (birth dates) are `datetime.date`.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass, field
from datetime import date


# --- ward layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bed:
    """A bed in a ward. `id` is unique across the hospital, e.g. "north-1-07"."""

    id: str
    region: str
    ward: str
    label: str  # what the nurse reads: "Bed 7"
    position: int  # 1-based place in the ward's grid


# --- patients ----------------------------------------------------------------------------------


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

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of a record, in words a nurse can act on."""

    field: str
    message: str


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
    return problems


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, and when (written by the patient store on every change)."""

    time: float
    user: str
    action: str  # "create", "update", "discharge", ...
    patient_id: str
    detail: str = ""


# --- vital signs -------------------------------------------------------------------------------


class Vital(str, enum.Enum):
    """A vital sign. The value is the name of the matching field of `VitalSample`."""

    HEART_RATE = "heart_rate"
    SPO2 = "spo2"
    RESP_RATE = "resp_rate"
    NIBP_SYS = "nibp_sys"
    NIBP_DIA = "nibp_dia"
    NIBP_MEAN = "nibp_mean"
    TEMPERATURE = "temperature"

    @property
    def label(self) -> str:
        return VITAL_LABELS[self]

    @property
    def unit(self) -> str:
        return VITAL_UNITS[self]


VITAL_LABELS = {
    Vital.HEART_RATE: "HR",
    Vital.SPO2: "SpO\u2082",
    Vital.RESP_RATE: "RR",
    Vital.NIBP_SYS: "NIBP sys",
    Vital.NIBP_DIA: "NIBP dia",
    Vital.NIBP_MEAN: "NIBP mean",
    Vital.TEMPERATURE: "Temp",
}

VITAL_UNITS = {
    Vital.HEART_RATE: "bpm",
    Vital.SPO2: "%",
    Vital.RESP_RATE: "/min",
    Vital.NIBP_SYS: "mmHg",
    Vital.NIBP_DIA: "mmHg",
    Vital.NIBP_MEAN: "mmHg",
    Vital.TEMPERATURE: "\u00b0C",
}


@dataclass(frozen=True)
class VitalSample:
    """One reading of every vital of one bed at one time. A missing value is None."""

    bed_id: str
    time: float
    heart_rate: float | None = None
    spo2: float | None = None
    resp_rate: float | None = None
    nibp_sys: float | None = None
    nibp_dia: float | None = None
    nibp_mean: float | None = None
    temperature: float | None = None

    def value(self, vital: Vital) -> float | None:
        value = getattr(self, vital.value)
        if value is None or math.isnan(value):
            return None
        return value


# --- alarms ------------------------------------------------------------------------------------


class Priority(enum.IntEnum):
    """IEC 60601-1-8 alarm priority. Higher value, more urgent."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def marks(self) -> str:
        """The priority's written marks, so that colour is never the only cue."""
        return "*" * int(self)


class AlarmKind(str, enum.Enum):
    PHYSIOLOGICAL = "physiological"
    TECHNICAL = "technical"


@dataclass(frozen=True)
class Alarm:
    """One alarm condition on one bed, in its latest known state.

    An alarm is published again, with the same `id`, each time its state changes (acknowledged,
    condition cleared). Receivers keep the latest version per id.
    """

    id: str
    region: str
    ward: str
    bed_id: str
    patient_id: str | None
    patient_name: str
    priority: Priority
    condition: str  # "SpO2 low"
    raised_at: float
    kind: AlarmKind = AlarmKind.PHYSIOLOGICAL
    vital: Vital | None = None
    value: float | None = None
    limit: float | None = None
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    cleared_at: float | None = None  # when the condition stopped being true

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def condition_active(self) -> bool:
        return self.cleared_at is None

    @property
    def needs_attention(self) -> bool:
        """Shown in the banner: not acknowledged, and either still true or high priority.

        High-priority alarms latch: they stay until acknowledged even if the condition cleared.
        """
        if self.acknowledged:
            return False
        return self.condition_active or self.priority is Priority.HIGH

    def acknowledge(self, by: str, at: float) -> Alarm:
        return dataclasses.replace(self, acknowledged_by=by, acknowledged_at=at)

    def clear(self, at: float) -> Alarm:
        return dataclasses.replace(self, cleared_at=at)


def banner_order(alarms: list[Alarm]) -> list[Alarm]:
    """Alarms needing attention, highest priority first, then oldest first."""
    waiting = [a for a in alarms if a.needs_attention]
    return sorted(waiting, key=lambda a: (-int(a.priority), a.raised_at, a.id))


# --- care network ------------------------------------------------------------------------------


class ClinicianRole(str, enum.Enum):
    DOCTOR = "doctor"
    NURSE = "nurse"


@dataclass(frozen=True)
class Clinician:
    id: str
    name: str
    role: ClinicianRole
    region: str
    ward: str | None = None  # None for clinicians who cover a whole region


class CareLinkKind(str, enum.Enum):
    """How two people of the care network are linked. Links point from a clinician."""

    TREATS = "treats"  # doctor -> patient
    ASSIGNED_NURSE = "assigned_nurse"  # nurse -> patient
    COVERS_FOR = "covers_for"  # clinician -> clinician
    ESCALATES_TO = "escalates_to"  # clinician -> clinician

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def to_patient(self) -> bool:
        """True for links from a clinician to a patient, False for clinician to clinician."""
        return self in (CareLinkKind.TREATS, CareLinkKind.ASSIGNED_NURSE)


@dataclass(frozen=True)
class CareLink:
    source_id: str
    target_id: str
    kind: CareLinkKind


class CareNodeKind(str, enum.Enum):
    PATIENT = "patient"
    DOCTOR = "doctor"
    NURSE = "nurse"


@dataclass(frozen=True)
class CareNode:
    id: str
    label: str
    kind: CareNodeKind


@dataclass(frozen=True)
class CareGraph:
    """A patient's care team and their other patients: the nodes and the links between them."""

    focus_id: str
    nodes: tuple[CareNode, ...] = ()
    links: tuple[CareLink, ...] = ()

    def node(self, node_id: str) -> CareNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)


# --- analytics ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WardHour:
    """What one ward did in one hour: alarms and vital-sign sums, mergeable by addition."""

    region: str
    ward: str
    hour: float  # epoch seconds at the start of the hour (UTC)
    alarms: int = 0
    heart_rate_sum: float = 0.0
    heart_rate_count: int = 0
    spo2_sum: float = 0.0
    spo2_count: int = 0

    @property
    def heart_rate_mean(self) -> float | None:
        return self.heart_rate_sum / self.heart_rate_count if self.heart_rate_count else None

    @property
    def spo2_mean(self) -> float | None:
        return self.spo2_sum / self.spo2_count if self.spo2_count else None

    def merged(self, other: WardHour) -> WardHour:
        return dataclasses.replace(
            self,
            alarms=self.alarms + other.alarms,
            heart_rate_sum=self.heart_rate_sum + other.heart_rate_sum,
            heart_rate_count=self.heart_rate_count + other.heart_rate_count,
            spo2_sum=self.spo2_sum + other.spo2_sum,
            spo2_count=self.spo2_count + other.spo2_count,
        )


def hour_start(time: float) -> float:
    return math.floor(time / 3600.0) * 3600.0


@dataclass(frozen=True)
class WardOccupancy:
    region: str
    ward: str
    occupied: int
    beds: int
    time: float

    @property
    def fraction(self) -> float:
        return self.occupied / self.beds if self.beds else 0.0


# --- health ------------------------------------------------------------------------------------


class HealthState(str, enum.Enum):
    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"


@dataclass(frozen=True)
class NodeStatus:
    """One server of a store as its driver sees it: "primary", "replica", "leader", "up"..."""

    address: str
    role: str
    up: bool = True


@dataclass(frozen=True)
class StoreHealth:
    store: str  # "vitals", "patients", "network", "analytics", "alerts"
    backend: str  # "embedded", "influxdb", ...
    state: HealthState
    latency_ms: float | None = None
    reason: str = ""
    nodes: tuple[NodeStatus, ...] = field(default=())
