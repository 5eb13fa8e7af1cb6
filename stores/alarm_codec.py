"""An `Alarm` as a plain dict of JSON values and back: the one format every alarm backend stores.

What comes back from a bus is untrusted: every field is checked (known priority and kind, finite
numbers a sensor can report, bounded text without control characters, sane times), and a record
that fails is refused with a reason a person can act on, never half-read.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from stores.errors import ValidationError
from stores.model import VITAL_RANGES, Alarm, AlarmKind, Priority, Vital
from stores.patient_text import refused_character

# Longest text a field may hold: generous for every genuine alarm (the engine's ids are UUIDs,
# its conditions a few words), small enough that a flood of junk stays small.
TEXT_LIMITS = {"id": 200, "region": 64, "ward": 64, "bed_id": 64, "patient_id": 64,
               "patient_name": 200, "condition": 200, "acknowledged_by": 100}
# No clock of this station's era reads outside these (1970 and 2100, in seconds).
EARLIEST, LATEST = 0.0, 4_102_444_800.0


class AlarmRecordError(ValueError):
    """A record that is not a readable alarm; the message says which field and why."""

    def __init__(self, message: str, field: str = "alarm") -> None:
        super().__init__(message)
        self.field = field


def alarm_to_dict(alarm: Alarm) -> dict[str, object]:
    data = {f.name: getattr(alarm, f.name) for f in dataclasses.fields(Alarm)}
    data["priority"] = int(alarm.priority)
    data["kind"] = alarm.kind.value
    data["vital"] = None if alarm.vital is None else alarm.vital.value
    return data


def alarm_from_dict(data: object) -> Alarm:
    """The alarm `data` describes; AlarmRecordError naming the field if one is missing or bad.

    Keys this version does not know are ignored, so a newer station's alarms still read.
    """
    if not isinstance(data, Mapping):
        raise AlarmRecordError(f"An alarm record must be a mapping, not {type(data).__name__}.")
    name = _shown(data.get("id"))
    values: dict[str, Any] = {}
    for field in dataclasses.fields(Alarm):
        if field.name not in data:
            if field.default is dataclasses.MISSING:
                raise AlarmRecordError(f"Alarm record {name} lacks the field {field.name!r}.")
            continue
        raw = data[field.name]
        try:
            values[field.name] = _READERS[field.name](raw)
        except (TypeError, ValueError, OverflowError) as exc:
            raise AlarmRecordError(
                f"Alarm record {name} has a bad {field.name!r}: {_shown(raw)} ({exc}).",
                field.name) from None
    alarm = Alarm(**values)
    _check_together(alarm, name)
    return alarm


def publishable(alarm: Alarm) -> None:
    """ValidationError naming the field if a reader would refuse this alarm: a bus never
    carries what its readers must refuse (NaN from a faulty engine, a 10 kB condition)."""
    try:
        alarm_from_dict(alarm_to_dict(alarm))
    except AlarmRecordError as exc:
        raise ValidationError(exc.field, str(exc)) from None


def acknowledgement_from_dict(data: object, alarm_id: str) -> tuple[str, float]:
    """(by, at) of a stored acknowledgement; AlarmRecordError if it is not one."""
    if not isinstance(data, Mapping):
        raise AlarmRecordError(f"Alarm {_shown(alarm_id)} has a bad acknowledgement: "
                               f"{_shown(data)}.")
    try:
        return _bounded_text("acknowledged_by")(data.get("by")), _time(data.get("at"))
    except (TypeError, ValueError, OverflowError) as exc:
        raise AlarmRecordError(f"Alarm {_shown(alarm_id)} has a bad acknowledgement: {exc}.") \
            from None


def check_times(alarm: Alarm, now: float, past_s: float, future_s: float) -> None:
    """AlarmRecordError if one of the alarm's times lies outside `now` - `past_s` ..
    `now` + `future_s` (`now` is the bus server's clock, so a skewed station clock hides
    nothing)."""
    for name in ("raised_at", "acknowledged_at", "cleared_at"):
        value = getattr(alarm, name)
        if value is None:
            continue
        if value > now + future_s:
            raise AlarmRecordError(f"Alarm record {_shown(alarm.id)} has {name} "
                                   f"{value - now:.0f} s ahead of the bus's clock.")
        if value < now - past_s:
            raise AlarmRecordError(f"Alarm record {_shown(alarm.id)} has {name} "
                                   f"{(now - value) / 86400:.0f} days before the bus's clock.")


def _check_together(alarm: Alarm, name: str) -> None:
    if (alarm.acknowledged_by is None) != (alarm.acknowledged_at is None):
        raise AlarmRecordError(f"Alarm record {name} names who acknowledged it or when, "
                               "not both.")
    if alarm.vital is None:
        return
    low, high = VITAL_RANGES[alarm.vital]
    for field in ("value", "limit"):
        number = getattr(alarm, field)
        if number is not None and not low <= number <= high:
            raise AlarmRecordError(
                f"Alarm record {name} has a bad {field!r}: {number:g} is outside what a "
                f"sensor can report for {alarm.vital.value} ({low:g} to {high:g}).", field)


def _shown(value: object) -> str:
    """A value in an error message: its repr, cut short (junk can be megabytes long)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    # the patient record's rule: no control character, nor one that is invisible or reorders
    # what a nurse reads ("bed 12" shown as "21 deb")
    refused = refused_character(value)
    if refused:
        raise ValueError(f"control characters ({refused})")
    return value


def _bounded_text(name: str) -> Callable[[object], str]:
    limit = TEXT_LIMITS[name]

    def read(value: object) -> str:
        text = _text(value)
        if len(text) > limit:
            raise ValueError(f"longer than {limit} characters")
        return text
    return read


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError("not a number")
    if isinstance(value, str) and len(value) > 40:
        raise ValueError("not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _time(value: object) -> float:
    number = _number(value)
    if not EARLIEST <= number <= LATEST:
        raise ValueError("not a time between 1970 and 2100")
    return number


def _priority(value: object) -> Priority:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError("not a priority")
    if isinstance(value, str) and not value.isdigit():
        raise ValueError("not a priority")
    return Priority(int(value))


def _true_or_false(value: object) -> bool:
    if not isinstance(value, bool):  # strict: "false" or 0 must not pass as a mark
        raise TypeError("not true or false")
    return value


def _optional(read: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else read(value)


def _kind(value: object) -> AlarmKind:
    if not isinstance(value, str):
        raise TypeError("not a kind of alarm")
    return AlarmKind(value)


def _vital(value: object) -> Vital:
    if not isinstance(value, str):
        raise TypeError("not a vital sign")
    return Vital(value)


def _required(read: Callable[[object], str]) -> Callable[[object], str]:
    def required(value: object) -> str:
        text = read(value)
        if not text.strip():
            raise ValueError("empty")
        return text
    return required


_READERS: dict[str, Callable[[object], object]] = {
    "id": _required(_bounded_text("id")),
    "region": _required(_bounded_text("region")),
    "ward": _required(_bounded_text("ward")),
    "bed_id": _bounded_text("bed_id"),
    "patient_id": _optional(_bounded_text("patient_id")),
    "patient_name": _bounded_text("patient_name"),
    "priority": _priority,
    "condition": _bounded_text("condition"),
    "raised_at": _time,
    "kind": _kind,
    "vital": _optional(_vital),
    "value": _optional(_number),
    "limit": _optional(_number),
    "acknowledged_by": _optional(_bounded_text("acknowledged_by")),
    "acknowledged_at": _optional(_time),
    "cleared_at": _optional(_time),
    "simulated": _true_or_false,
}
