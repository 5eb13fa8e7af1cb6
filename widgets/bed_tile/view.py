"""What a bed tile shows, as plain values: compared to skip repaints, read by screen readers and tests."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from stores.model import Alarm, Priority, Vital, VitalSample
from widgets import vital_text

EMPTY_BED = "empty bed"
# What the ECG strip says instead of a trace, by the sweep's signal ("live" needs no words).
ECG_TEXTS = {"live": "", "invalid": "ECG \u2014 leads off", "none": "ECG \u2014"}


@dataclass(frozen=True)
class Numeric:
    """One number on the tile: "SpO₂", "97", "%", coloured like `vital`."""

    label: str
    value: str
    unit: str
    vital: Vital


@dataclass(frozen=True)
class TileView:
    """Everything a tile draws. The tile repaints only when this changes."""

    bed: str
    patient: str
    details: str
    numerics: tuple[Numeric, ...]
    stale: str  # "" while live, else "NO DATA" or "NO DATA 12 s"
    alarm: Priority | None
    alarm_text: str  # "*** SpO₂ low +1"
    selected: bool
    trend: tuple[tuple[float, float | None], ...]  # (time, heart rate) over the last two minutes
    ecg: str = ""  # "" while the ECG strip sweeps, else what it says instead: "ECG \u2014"
    simulated: bool = False  # the bed's data comes from the bedside simulator

    @property
    def occupied(self) -> bool:
        return self.patient != EMPTY_BED

    @functools.cached_property
    def still_part(self) -> tuple:
        """The view less its numbers and trend line (kept: whether there are numerics, as an
        occupied bed's strip has notes): what a new sample leaves unchanged. Cached: the tile
        compares it at every paint."""
        return dataclasses.replace(self, numerics=(), trend=()), bool(self.numerics)

    @property
    def sweeping(self) -> bool:
        """Whether the ECG strip shows a live trace (not an empty bed, stale data or no signal)."""
        return self.occupied and not self.stale and not self.ecg


SIMULATED = "SIMULATED"


def numerics(sample: VitalSample | None) -> tuple[Numeric, ...]:
    text = vital_text.sample_text
    return (
        Numeric("HR", text(sample, Vital.HEART_RATE), Vital.HEART_RATE.unit, Vital.HEART_RATE),
        Numeric("SpO\u2082", text(sample, Vital.SPO2), Vital.SPO2.unit, Vital.SPO2),
        Numeric("RR", text(sample, Vital.RESP_RATE), Vital.RESP_RATE.unit, Vital.RESP_RATE),
        Numeric("NIBP", vital_text.nibp_text(sample), Vital.NIBP_SYS.unit, Vital.NIBP_SYS),
        Numeric("Temp", text(sample, Vital.TEMPERATURE), Vital.TEMPERATURE.unit, Vital.TEMPERATURE),
    )


def alarm_text(alarms: list[Alarm]) -> str:
    """The most urgent alarm as marks and condition, so colour is never the only cue."""
    if not alarms:
        return ""
    top = alarms[0]
    more = f" +{len(alarms) - 1}" if len(alarms) > 1 else ""
    return f"{top.priority.marks} {top.condition}{more}"


def describe(view: TileView) -> str:
    """The tile in words, for screen readers and tests."""
    parts = [view.bed, SIMULATED if view.simulated else "", view.patient, view.details,
             view.alarm_text, view.stale, view.ecg]
    parts += [f"{n.label} {n.value} {n.unit}" for n in view.numerics]
    return ", ".join(part for part in parts if part)
