"""Domain records that flow through the whole station: beds, patients, vitals, alarms, care links.

Every record is a frozen dataclass. Times of measurements and alarms are UNIX epoch seconds
(UTC, float); calendar dates (birth dates) are `datetime.date`.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time

from stores import patient_text
from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds


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
    alarm_limits: tuple[AlarmLimits, ...] = ()  # this patient's own limits, one per vital at most

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
    texts = {name: patient_text.normalised(getattr(patient, name))
             for name in patient_text.MAX_LENGTHS if getattr(patient, name)}
    lists = {name: tuple(patient_text.normalised(item) for item in getattr(patient, name))
             for name in patient_text.LIST_FIELDS}
    return dataclasses.replace(patient, **texts, **lists)


@dataclass(frozen=True)
class AlarmLimits:
    """Alarm limits for one vital that replace the ward's defaults: a nurse or doctor sets them
    for a patient whose normal lies elsewhere (a COPD patient's SpO2 of 88 %). None keeps the
    ward's value for that part."""

    vital: Vital
    low: float | None = None
    high: float | None = None
    delay_s: float | None = None  # how long the value must stay outside before the alarm

    @property
    def empty(self) -> bool:
        return self.low is None and self.high is None and self.delay_s is None

    def describe(self) -> str:
        """ "HR 40-130 bpm, 5 s" """
        low = "-" if self.low is None else f"{self.low:g}"
        high = "-" if self.high is None else f"{self.high:g}"
        text = f"{self.vital.label} {low}\u2013{high} {self.vital.unit}"
        return text if self.delay_s is None else f"{text}, {self.delay_s:g} s"


Bounds = Mapping[str, AlarmBounds]  # vital value -> its bounds (`HARD_BOUNDS`, or tighter)


def alarm_limit_problems(limits: tuple[AlarmLimits, ...],
                         bounds: Bounds = HARD_BOUNDS) -> list[FieldProblem]:
    """What makes a set of alarm limits unusable, including a limit beyond its vital's clinical
    bounds (`stores.alarm_bounds`: there the alarm could fail to sound); the field is
    "alarm_limits.<vital>"."""
    problems, seen = [], set()
    for limit in limits:
        field_name = f"alarm_limits.{limit.vital.value}"
        label = limit.vital.label
        if limit.vital in seen:
            problems.append(FieldProblem(field_name, f"{label} has two sets of limits."))
        seen.add(limit.vital)
        problems += [FieldProblem(field_name, message)
                     for message in _value_problems(limit, bounds.get(limit.vital.value))]
        if limit.low is not None and limit.high is not None and limit.low >= limit.high:
            problems.append(FieldProblem(
                field_name, f"{label} low limit ({limit.low:g}) must be below the high limit "
                            f"({limit.high:g})."))
    return problems


def _value_problems(limit: AlarmLimits, bounds: AlarmBounds | None) -> list[str]:
    label, unit = limit.vital.label, limit.vital.unit
    lowest, highest = VITAL_RANGES[limit.vital]
    found = []
    for name, value in (("low", limit.low), ("high", limit.high)):
        if value is None:
            continue
        if not (math.isfinite(value) and lowest <= value <= highest):
            found.append(f"{label} {name} limit must be between {lowest:g} and {highest:g} "
                         f"{unit}.")
        elif name == "low" and bounds and bounds.low is not None and value < bounds.low:
            found.append(f"{label} low limit {value:g} {unit} is below the clinical bound of "
                         f"{bounds.low:g} {unit}: lower, the alarm could come too late.")
        elif name == "high" and bounds and bounds.high is not None and value > bounds.high:
            found.append(f"{label} high limit {value:g} {unit} is above the clinical bound of "
                         f"{bounds.high:g} {unit}: higher, the alarm could come too late.")
    delay = limit.delay_s
    longest = bounds.delay_s if bounds and bounds.delay_s is not None else math.inf
    if delay is not None and not (math.isfinite(delay) and 0 <= delay <= longest):
        found.append(f"{label} alarm delay {delay:g} s is beyond the bound: it must be between "
                     f"0 and {longest:g} s.")
    return found


def clamped_limits(limits: tuple[AlarmLimits, ...],
                   bounds: Bounds = HARD_BOUNDS) -> tuple[tuple[AlarmLimits, ...], list[str]]:
    """`limits` with every part beyond its bounds brought back to the bound (a part that is not
    a number at all is dropped: the ward's value applies), and what was changed, in words.

    For limits read from a store that did not check them (a server edited by hand): refusing
    the record would hide the patient from the ward, and keeping the value could silence an
    alarm, so the bound applies instead and the caller logs it."""
    kept, changed = [], []
    for limit in limits:
        fixed = _clamped(limit, bounds.get(limit.vital.value) or AlarmBounds())
        if fixed != limit:
            changed.append(f"{limit.describe()} \u2192 {fixed.describe()}")
        kept.append(fixed)
    return tuple(kept), changed


def _clamped(limit: AlarmLimits, bounds: AlarmBounds) -> AlarmLimits:
    lowest, highest = VITAL_RANGES[limit.vital]
    low, high, delay = (None if v is None or not math.isfinite(v) else v
                        for v in (limit.low, limit.high, limit.delay_s))
    floor = lowest if bounds.low is None else max(lowest, bounds.low)
    ceiling = highest if bounds.high is None else min(highest, bounds.high)
    return AlarmLimits(
        limit.vital,
        None if low is None else min(max(low, floor), highest),
        None if high is None else max(min(high, ceiling), lowest),
        None if delay is None else min(max(delay, 0.0),
                                      math.inf if bounds.delay_s is None else bounds.delay_s))


@dataclass(frozen=True)
class Widening:
    """One part of a patient's own limits set wider than the ward's default: an alarm that
    sounds later than the ward would let it."""

    vital: Vital
    part: str  # "low", "high" or "delay_s"
    ward: float  # the ward's default
    before: float | None  # the patient's own before the change (None: the ward's)
    after: float

    def describe(self) -> str:
        """ "SpO₂ low limit 88 → 85 % (ward 90 %)" """
        unit = "s" if self.part == "delay_s" else self.vital.unit
        word = {"low": "low limit", "high": "high limit", "delay_s": "alarm delay"}[self.part]
        before = "ward" if self.before is None else f"{self.before:g}"
        return (f"{self.vital.label} {word} {before} \u2192 {self.after:g} {unit} "
                f"(ward {self.ward:g} {unit})")


def widenings(before: tuple[AlarmLimits, ...], after: tuple[AlarmLimits, ...],
              ward: Mapping[Vital, AlarmLimits]) -> list[Widening]:
    """The parts of `after` (a patient's own limits) that are wider than the ward's default
    and were not already so wide in `before`: what a nurse is asked to confirm."""
    old = {limit.vital: limit for limit in before}
    found = []
    for limit in after:
        default = ward.get(limit.vital)
        if default is None:
            continue
        for part in ("low", "high", "delay_s"):
            value, base = getattr(limit, part), getattr(default, part)
            if value is None or base is None or not _wider(part, value, base):
                continue
            previous = getattr(old[limit.vital], part) if limit.vital in old else None
            if previous is None or _wider(part, value, previous):
                found.append(Widening(limit.vital, part, base, previous, value))
    return found


def _wider(part: str, value: float, than: float) -> bool:
    return value < than if part == "low" else value > than


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

# What a sensor can plausibly report; a value outside is a measurement fault, not the patient.
VITAL_RANGES = {
    Vital.HEART_RATE: (0.0, 350.0),
    Vital.SPO2: (0.0, 100.0),
    Vital.RESP_RATE: (0.0, 150.0),
    Vital.NIBP_SYS: (0.0, 350.0),
    Vital.NIBP_DIA: (0.0, 300.0),
    Vital.NIBP_MEAN: (0.0, 320.0),
    Vital.TEMPERATURE: (20.0, 45.0),
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
    simulated: bool = False  # written by the bedside simulator, not measured on a patient

    def value(self, vital: Vital) -> float | None:
        """The vital's value if it is valid: None when missing, NaN, or outside what a sensor
        can report (`VITAL_RANGES`: an HR of 900 is a fault, not the patient)."""
        return valid_value(vital, getattr(self, vital.value))

    def cleaned(self) -> VitalSample:
        """The sample with every invalid value replaced by None: how stores keep it, so that
        it is drawn as a gap, never as a spike, and raises no alarm."""
        changes = {v.value: None for v in Vital
                   if getattr(self, v.value) is not None and self.value(v) is None}
        return dataclasses.replace(self, **changes) if changes else self


def valid_value(vital: Vital, value: float | None) -> float | None:
    if value is None or isinstance(value, bool) or math.isnan(value):
        return None
    lowest, highest = VITAL_RANGES[vital]
    return value if lowest <= value <= highest else None


class Waveform(str, enum.Enum):
    """A bedside waveform, sampled at a fixed rate."""

    ECG_II = "ecg_ii"  # ECG lead II, mV
    PLETH = "pleth"  # SpO2 plethysmogram, arbitrary units 0..1

    @property
    def rate_hz(self) -> float:
        return {Waveform.ECG_II: 250.0, Waveform.PLETH: 125.0}[self]

    @property
    def label(self) -> str:
        return {Waveform.ECG_II: "ECG II", Waveform.PLETH: "Pleth"}[self]


@dataclass(frozen=True)
class WaveformChunk:
    """A stretch of one bed's waveform: `values[i]` was sampled at `start + i / rate_hz`.
    NaN marks no valid signal (leads off, probe off): drawn as a gap."""

    bed_id: str
    waveform: Waveform
    start: float
    rate_hz: float
    values: tuple[float, ...]
    simulated: bool = False  # made by the bedside simulator

    @property
    def end(self) -> float:
        return self.start + len(self.values) / self.rate_hz


@dataclass(frozen=True)
class VitalTrend:
    """One bed's vitals from `start` to `end`, downsampled by the store into equal buckets of
    `bucket_s` seconds (bucket i starts at `start + i * bucket_s`): per vital, the lowest,
    highest and mean valid value in each bucket, None where it has none. Min and max keep the
    peaks a mean would hide. `clipped_from` is the start asked for when the store moved it
    later (the range was more than it keeps or serves)."""

    bed_id: str
    start: float
    end: float
    bucket_s: float
    lowest: dict[Vital, tuple[float | None, ...]]
    highest: dict[Vital, tuple[float | None, ...]]
    mean: dict[Vital, tuple[float | None, ...]]
    clipped_from: float | None = None

    @property
    def buckets(self) -> int:
        return len(next(iter(self.mean.values()), ()))

    @property
    def empty(self) -> bool:
        return all(value is None for values in self.mean.values() for value in values)


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
    simulated: bool = False  # raised on the bedside simulator's vitals

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def condition_active(self) -> bool:
        return self.cleared_at is None

    @property
    def latched(self) -> bool:
        """High-priority alarms latch: they stay until acknowledged even if the condition cleared."""
        return not self.condition_active and self.priority is Priority.HIGH and not self.acknowledged

    @property
    def is_open(self) -> bool:
        """Listed in the banner: the condition is still true, or the alarm latched. An alarm that
        is no longer open is resolved (it stays in the history)."""
        return self.condition_active or self.latched

    @property
    def needs_attention(self) -> bool:
        """Open and not acknowledged: it flashes and sounds."""
        return self.is_open and not self.acknowledged

    def acknowledge(self, by: str, at: float) -> Alarm:
        return dataclasses.replace(self, acknowledged_by=by, acknowledged_at=at)

    def clear(self, at: float) -> Alarm:
        return dataclasses.replace(self, cleared_at=at)


def banner_order(alarms: list[Alarm]) -> list[Alarm]:
    """Open alarms, highest priority first, then oldest first."""
    waiting = [a for a in alarms if a.is_open]
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
    bed_seconds: float = 0.0  # time occupied beds were monitored, for alarms per bed-hour
    acknowledged: int = 0  # acknowledgements made in the hour
    acknowledge_s_sum: float = 0.0  # their times from raised to acknowledged, summed

    @property
    def alarms_per_bed_hour(self) -> float | None:
        return self.alarms / (self.bed_seconds / 3600.0) if self.bed_seconds else None

    @property
    def acknowledge_s_mean(self) -> float | None:
        return self.acknowledge_s_sum / self.acknowledged if self.acknowledged else None

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
            bed_seconds=self.bed_seconds + other.bed_seconds,
            acknowledged=self.acknowledged + other.acknowledged,
            acknowledge_s_sum=self.acknowledge_s_sum + other.acknowledge_s_sum,
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
    # short words the status bar shows beside the state, for what is wrong by configuration
    # rather than by outage ("unsigned": alarms anyone with the password could forge)
    flags: tuple[str, ...] = field(default=())


# --- alarm figures -----------------------------------------------------------------------------


# Nursing shifts in local time: (starting hour, name). The night shift runs past midnight.
SHIFT_STARTS = ((7, "Day"), (15, "Evening"), (23, "Night"))


@dataclass(frozen=True)
class ShiftFigures:
    """A ward's alarm burden in one shift: how often alarms came per monitored bed, and how
    quickly they were acknowledged. None where there is nothing to divide by."""

    label: str  # "This shift · Day 07–15"
    start: float
    end: float
    alarms: int
    bed_hours: float
    alarms_per_bed_hour: float | None
    acknowledged: int
    acknowledge_s_mean: float | None


def ward_shifts(now: float, count: int = 2) -> list[tuple[str, float, float]]:
    """The shift under way at `now` and the `count - 1` before it, newest first, as (label,
    start, end). Boundaries are local wall-clock hours, so a shift across a change of daylight
    saving time lasts 7 or 9 hours."""
    today = datetime.fromtimestamp(now).date()
    starts = sorted(
        (datetime.combine(today + timedelta(days=offset), dt_time(hour)), name)
        for offset in range(-(count // 3) - 2, 2) for hour, name in SHIFT_STARTS)
    current = max(i for i, (moment, _) in enumerate(starts) if moment.timestamp() <= now)
    shifts = []
    for back in range(count):
        (start, name), (end, _) = starts[current - back], starts[current - back + 1]
        shifts.append((f"{_shift_prefix(back, start)} \u00b7 {name} {start:%H}\u2013{end:%H}",
                       start.timestamp(), end.timestamp()))
    return shifts


def _shift_prefix(back: int, start: datetime) -> str:
    return ("This shift", "Previous shift")[back] if back < 2 else f"{start:%a %d %b}"


def shift_figures(hours: list[WardHour],
                  shifts: list[tuple[str, float, float]]) -> list[ShiftFigures]:
    """Add up the hours of each shift (an hour belongs to the shift its start falls in); give
    them only the hours of the wards the figures are for."""
    figures = []
    for label, start, end in shifts:
        total = WardHour("", "", start)
        for hour in hours:
            if start <= hour.hour < end:
                total = total.merged(hour)
        figures.append(ShiftFigures(
            label, start, end, total.alarms, total.bed_seconds / 3600.0,
            total.alarms_per_bed_hour, total.acknowledged, total.acknowledge_s_mean))
    return figures


# --- writes kept in the outbox -----------------------------------------------------------------


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
