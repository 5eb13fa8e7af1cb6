"""An `Alarm` as a plain dict of JSON values and back: the one format every alarm backend stores."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from stores.model import Alarm, AlarmKind, Priority, Vital


def alarm_to_dict(alarm: Alarm) -> dict[str, object]:
    data = {f.name: getattr(alarm, f.name) for f in dataclasses.fields(Alarm)}
    data["priority"] = int(alarm.priority)
    data["kind"] = alarm.kind.value
    data["vital"] = None if alarm.vital is None else alarm.vital.value
    return data


def alarm_from_dict(data: object) -> Alarm:
    """The alarm `data` describes; ValueError naming the field if a field is missing or bad.

    Keys this version does not know are ignored, so a newer station's alarms still read.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"An alarm record must be a mapping, not {type(data).__name__}.")
    values = {}
    for field in dataclasses.fields(Alarm):
        if field.name not in data:
            if field.default is dataclasses.MISSING:
                raise ValueError(f"Alarm record {data.get('id')!r} lacks the field {field.name!r}.")
            continue
        raw = data[field.name]
        try:
            values[field.name] = _READERS[field.name](raw)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"Alarm record {data.get('id')!r} has a bad {field.name!r}: {raw!r}."
            ) from exc
    return Alarm(**values)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError("not a number")
    return float(value)


def _priority(value: object) -> Priority:
    if isinstance(value, bool):
        raise TypeError("not a priority")
    return Priority(int(value) if isinstance(value, str) else value)


def _true_or_false(value: object) -> bool:
    if not isinstance(value, bool):  # strict: "false" or 0 must not pass as a mark
        raise TypeError("not true or false")
    return value


def _optional(read: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else read(value)


_READERS: dict[str, Callable[[object], object]] = {
    "id": _text,
    "region": _text,
    "ward": _text,
    "bed_id": _text,
    "patient_id": _optional(_text),
    "patient_name": _text,
    "priority": _priority,
    "condition": _text,
    "raised_at": _number,
    "kind": AlarmKind,
    "vital": _optional(Vital),
    "value": _optional(_number),
    "limit": _optional(_number),
    "acknowledged_by": _optional(_text),
    "acknowledged_at": _optional(_number),
    "cleared_at": _optional(_number),
    "simulated": _true_or_false,
}
