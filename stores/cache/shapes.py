"""Whether a value read back from the cache is of the type its read returns, field by field: a
decoded entry is used only if it is exactly the records the store would have answered."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import math
import types
import typing
from collections.abc import Callable

Check = Callable[[object], bool]


def conforms(value: object, hint: object) -> bool:
    """True if `value` is of the type `hint` names (records, lists, tuples, unions, enums,
    dates, numbers and text); anything this does not know of does not conform."""
    return _check(hint)(value)


@functools.cache
def _check(hint: object) -> Check:
    """The check of one type, made once: a patient list has thousands of values to check."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [_check(arg) for arg in typing.get_args(hint)]
        return lambda value: any(check(value) for check in options)
    if origin in (list, tuple):
        item = _check(typing.get_args(hint)[0])
        return lambda value: type(value) is origin and all(
            item(element) for element in typing.cast(list[object], value))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = [(name, _check(field_hint)) for name, field_hint in _field_hints(hint).items()]
        return lambda value: type(value) is hint and all(
            check(getattr(value, name)) for name, check in fields)
    return _plain(hint)


def _plain(hint: object) -> Check:
    if hint is type(None):
        return lambda value: value is None
    if hint is float:
        return lambda value: type(value) is float and math.isfinite(value)
    if hint in (int, str, datetime.date):
        return lambda value: type(value) is hint
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda value: isinstance(value, hint)
    return lambda value: False


def _field_hints(record: type) -> dict[str, object]:
    names = {field.name for field in dataclasses.fields(record)}
    return {name: hint for name, hint in typing.get_type_hints(record).items() if name in names}
