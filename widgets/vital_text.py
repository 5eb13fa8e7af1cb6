"""How vitals, beds, ages and times are written on screen, the same way in every widget."""

from __future__ import annotations

import re
from datetime import datetime

from stores.model import Patient, Sex, Vital, VitalSample

MISSING = "--"
_DECIMALS = {Vital.TEMPERATURE: 1}
_SEX_LETTERS = {Sex.FEMALE: "F", Sex.MALE: "M", Sex.OTHER: "X"}
NIBP_VITALS = (Vital.NIBP_SYS, Vital.NIBP_DIA, Vital.NIBP_MEAN)


def value_text(vital: Vital, value: float | None) -> str:
    """A vital's number with the precision a monitor shows, or "--" when it was not measured."""
    if value is None or value != value:  # NaN is a missing value too
        return MISSING
    return f"{value:.{_DECIMALS.get(vital, 0)}f}"


def with_unit(vital: Vital, value: float | None) -> str:
    return f"{value_text(vital, value)} {vital.unit}"


def sample_text(sample: VitalSample | None, vital: Vital) -> str:
    """One vital of a sample without its unit; "--" when there is no sample or no value."""
    return value_text(vital, sample.value(vital) if sample else None)


def nibp_text(sample: VitalSample | None) -> str:
    """Blood pressure the way it is read aloud: "120/80 (93)", without the unit."""
    sys_, dia, mean = (sample_text(sample, v) for v in NIBP_VITALS)
    return f"{sys_}/{dia} ({mean})"


def bed_label_from_id(bed_id: str) -> str:
    """ "north-1-07" -> "Bed 7": alarms carry only the bed id, nurses read the number."""
    match = re.search(r"(\d+)$", bed_id or "")
    if match is None:
        return bed_id or ""
    return f"Bed {int(match.group(1))}"


def age_sex_text(patient: Patient, now: float) -> str:
    """ "67 y · F" (the sex letter is left out when it is unknown)."""
    age = f"{patient.age_on(datetime.fromtimestamp(now).date())} y"
    letter = _SEX_LETTERS.get(patient.sex)
    return f"{age} \u00b7 {letter}" if letter else age


def clock_text(time: float, now: float) -> str:
    """Local HH:MM:SS, with the day in front when it was not today."""
    moment = datetime.fromtimestamp(time)
    if moment.date() == datetime.fromtimestamp(now).date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%a %d %b %H:%M:%S")


def age_text(seconds: float) -> str:
    """How long ago, coarse enough that a stale label does not change every second forever."""
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
