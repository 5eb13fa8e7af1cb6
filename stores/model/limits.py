"""A patient's own alarm limits: what they may be (within the station's bounds), clamped, and what
widening a ward's default means."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds
from stores.model.problems import FieldProblem
from stores.model.vitals import VITAL_RANGES, Vital


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
