"""A patient's own alarm limits as plain JSON values (a list of dicts), for every backend."""

from __future__ import annotations

import logging
import math

from stores.model import AlarmLimits, Vital, clamped_limits

log = logging.getLogger(__name__)


def limits_to_list(limits: tuple[AlarmLimits, ...]) -> list[dict[str, object]]:
    return [{"vital": limit.vital.value, "low": limit.low, "high": limit.high,
             "delay_s": limit.delay_s} for limit in limits]


def limits_from_list(items: object, patient_id: str = "") -> tuple[AlarmLimits, ...]:
    """The limits stored; an entry for a vital this version does not know is left out.

    The stores refuse limits beyond the clinical bounds, but a server's data may have been
    written by something else: a part beyond its bound is brought back to it (logged), so that
    no stored limit can keep an alarm from sounding; one that is not a number is dropped."""
    known = {vital.value: vital for vital in Vital}
    limits = []
    for item in items if isinstance(items, list | tuple) else ():
        if isinstance(item, dict) and item.get("vital") in known:
            limits.append(AlarmLimits(known[item["vital"]], _number(item.get("low")),
                                      _number(item.get("high")), _number(item.get("delay_s"))))
    kept, changed = clamped_limits(tuple(limits))
    for change in changed:
        log.warning("patient %s: stored alarm limits beyond the clinical bounds, applied within "
                    "them: %s", patient_id or "(unknown)", change)
    return kept


def describe_limits(limits: tuple[AlarmLimits, ...]) -> str:
    """The audit log's words: "HR 40-130 bpm, 5 s; SpO2 85-- %" or "ward defaults"."""
    return "; ".join(limit.describe() for limit in limits) or "ward defaults"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None  # not a number (text, a document): the ward's value applies
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        return None
    return number if math.isfinite(number) else None
