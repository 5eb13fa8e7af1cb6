"""Model records as JSON values and back, so a write can wait in the outbox across a restart
(and a read can be kept in the Redis cache, `stores.cache.entries`)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import types
import typing
from typing import Any, TypeVar

from stores import model

T = TypeVar("T")

# the records a queued write or a cache entry may carry; the name is stored with each one
RECORDS = {cls.__name__: cls for cls in (
    model.Bed, model.Patient, model.VitalSample, model.Alarm, model.Clinician, model.CareLink,
    model.WardHour, model.WardOccupancy, model.AlarmLimits, model.AuditEntry, model.CareNode,
    model.CareGraph,
)}


def to_json(value: object) -> object:
    """A record (or list of records, or plain value) as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"record": type(value).__name__, "fields": fields}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):  # a write's arguments by name
        return {str(key): to_json(item) for key, item in value.items()}
    return value


def from_json(value: object) -> object:
    """What `to_json` made, back as records; ValueError if it names an unknown record."""
    if isinstance(value, dict) and set(value) == {"record", "fields"}:
        cls = RECORDS.get(value["record"])
        if cls is None:
            raise ValueError(f"unknown record type {value['record']!r}")
        hints = _hints(cls)
        fields: dict[str, Any] = {name: _typed(hints[name], raw) for name, raw in value["fields"].items()
                  if name in hints}
        return cls(**fields)
    if isinstance(value, list):
        return [from_json(item) for item in value]
    if isinstance(value, dict):
        return {key: from_json(item) for key, item in value.items()}
    return value


@functools.cache
def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls)


def _typed(hint: object, raw: object) -> object:
    if raw is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        origin = typing.get_origin(hint)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_typed(item, element) for element in _of(raw, list, tuple))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(raw)
    if hint is datetime.date:
        return datetime.date.fromisoformat(_of(raw, str))
    if dataclasses.is_dataclass(hint):
        return from_json(raw)
    if hint is float and isinstance(raw, int):
        return float(raw)
    return raw


def _of(raw: object, *kinds: type[T]) -> T:
    """`raw` if it is one of `kinds`; ValueError if a stored value is not what its field holds."""
    if isinstance(raw, kinds):
        return raw
    raise ValueError(f"a stored {type(raw).__name__} where {kinds[0].__name__} was expected")
