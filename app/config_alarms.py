"""The `[alarm_limits]` and `[wards.<ward>.alarm_limits]` tables of the config file, read into
`AlarmLimits`: the ward's defaults that the alarm rules start from; and `[alarm_bounds]`, which
narrows the hard clinical bounds those limits (and patients' own) must stay within."""

from __future__ import annotations

import math
from typing import Any

from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds, tightened
from stores.model import AlarmLimits, Vital, alarm_limit_problems

_PARTS = ("low", "high", "delay_s")


class AlarmLimitsError(ValueError):
    """A limits table is malformed; the message names where and what."""


def read_limits(table: Any, where: str) -> tuple[AlarmLimits, ...]:
    """`{spo2 = {low = 90, delay_s = 10}, heart_rate = {...}}` as AlarmLimits, checked like the
    patient form checks them."""
    if not isinstance(table, dict):
        raise AlarmLimitsError(f"{where} must be a table of vital = {{low, high, delay_s}}")
    limits = tuple(_vital_limits(name, value, f"{where}.{name}") for name, value in table.items())
    problems = alarm_limit_problems(limits)
    if problems:
        raise AlarmLimitsError(f"{where}: {problems[0].message}")
    return limits


def read_ward_limits(table: Any, where: str) -> dict[str, tuple[AlarmLimits, ...]]:
    """`[wards.<ward>.alarm_limits]`: limits for one ward, over the hospital's."""
    if not isinstance(table, dict):
        raise AlarmLimitsError(f"{where} must be a table of wards")
    by_ward = {}
    for ward, settings in table.items():
        if not isinstance(settings, dict) or set(settings) - {"alarm_limits"}:
            raise AlarmLimitsError(f"{where}.{ward} may only hold alarm_limits")
        by_ward[ward] = read_limits(settings.get("alarm_limits", {}),
                                    f"{where}.{ward}.alarm_limits")
    return by_ward


def read_bounds(table: Any, where: str) -> dict[str, AlarmBounds]:
    """`[alarm_bounds]`: `{spo2 = {low = 88, delay_s = 15}}` narrows the hard bounds (a low
    limit no lower than 88 %, a delay no longer than 15 s); the result holds every vital."""
    if not isinstance(table, dict):
        raise AlarmLimitsError(f"{where} must be a table of vital = {{low, high, delay_s}}")
    bounds = dict(HARD_BOUNDS)
    for name, value in table.items():
        vital = _vital(name, where)
        own = AlarmBounds(**_parts(value, f"{where}.{name}"))
        try:
            bounds[vital.value] = tightened(HARD_BOUNDS[vital.value], own, f"{where}.{name}")
        except ValueError as exc:
            raise AlarmLimitsError(str(exc)) from None
    return bounds


def _vital(name: str, where: str) -> Vital:
    try:
        return Vital(name)
    except ValueError:
        known = ", ".join(v.value for v in Vital)
        raise AlarmLimitsError(f"{where}: unknown vital {name!r} (known: {known})") from None


def _vital_limits(name: str, value: Any, where: str) -> AlarmLimits:
    return AlarmLimits(_vital(name, where), **_parts(value, where))


def _parts(value: Any, where: str) -> dict[str, float | None]:
    if not isinstance(value, dict) or not value or set(value) - set(_PARTS):
        raise AlarmLimitsError(f"{where} must be a table with low, high and/or delay_s")
    parts = {}
    for part in _PARTS:
        number = value.get(part)
        if number is not None and (isinstance(number, bool) or not isinstance(number, int | float)):
            raise AlarmLimitsError(f"{where}.{part} must be a number, not {number!r}")
        if number is not None and not math.isfinite(number):
            raise AlarmLimitsError(f"{where}.{part} must be a finite number, not {number!r}")
        parts[part] = None if number is None else float(number)
    return parts
