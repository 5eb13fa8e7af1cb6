"""Vital signs: their names, units and plausible ranges (which validation messages and reports
need), samples, waveform chunks and trends."""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass
from typing import Any


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
        changes: dict[str, Any] = {v.value: None for v in Vital
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
