"""A patient's own alarm limits as plain JSON values (a list of dicts), for every backend."""

from __future__ import annotations

from stores.model import AlarmLimits, Vital


def limits_to_list(limits: tuple[AlarmLimits, ...]) -> list[dict[str, object]]:
    return [{"vital": limit.vital.value, "low": limit.low, "high": limit.high,
             "delay_s": limit.delay_s} for limit in limits]


def limits_from_list(items: object) -> tuple[AlarmLimits, ...]:
    """The limits stored; an entry for a vital this version does not know is left out."""
    known = {vital.value: vital for vital in Vital}
    limits = []
    for item in items or ():
        if isinstance(item, dict) and item.get("vital") in known:
            limits.append(AlarmLimits(known[item["vital"]], _number(item.get("low")),
                                      _number(item.get("high")), _number(item.get("delay_s"))))
    return tuple(limits)


def describe_limits(limits: tuple[AlarmLimits, ...]) -> str:
    """The audit log's words: "HR 40-130 bpm, 5 s; SpO2 85-- %" or "ward defaults"."""
    return "; ".join(limit.describe() for limit in limits) or "ward defaults"


def _number(value: object) -> float | None:
    return None if value is None else float(value)
