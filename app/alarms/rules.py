"""Threshold alarm rules: which value of which vital raises which alarm, at what priority, after
how long; the ward's defaults and a patient's own limits applied on top of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from stores.model import AlarmLimits, Priority, Vital, clamped_limits


@dataclass(frozen=True)
class AlarmRule:
    """Violated when the vital is below `low` or above `high` (the limit itself is still normal).

    Once violated, the condition holds until the value is back inside the limit by `hysteresis`,
    as on bedside monitors: a value wavering at the limit would otherwise raise alarm after alarm.
    """

    vital: Vital
    priority: Priority
    condition: str  # what the banner says: "SpO₂ low"
    low: float | None = None
    high: float | None = None
    hysteresis: float = 0.0
    delay_s: float = 0.0  # the condition must hold this long before the alarm is raised
    # The vital's own low or high limit, which ward and patient limits set; the others (HR
    # extreme high) are the ward's safety net and stay as they are.
    adjustable: bool = True

    def __post_init__(self) -> None:
        if (self.low is None) == (self.high is None):
            raise ValueError(f"{self.condition}: a rule needs exactly one of low or high")
        if self.delay_s < 0:
            raise ValueError(f"{self.condition}: a condition delay cannot be negative")

    @property
    def side(self) -> str:
        return "low" if self.low is not None else "high"

    @property
    def key(self) -> tuple[str, str, int]:
        """What stays the same when the limit or delay is changed: an alarm raised under the
        old limits is still this rule's alarm."""
        return (self.vital.value, self.side, int(self.priority))

    @property
    def limit(self) -> float:
        return self.low if self.low is not None else self.high

    def violated(self, value: float) -> bool:
        if self.low is not None:
            return value < self.low
        return value > self.high

    def recovered(self, value: float) -> bool:
        """True when a violated condition has ended."""
        if self.low is not None:
            return value >= self.low + self.hysteresis
        return value <= self.high - self.hysteresis


# How far back inside the limit a value must come to end the alarm. The blood pressure needs
# none: the cuff value is held for minutes, it cannot waver.
HYSTERESIS = {Vital.HEART_RATE: 3.0, Vital.SPO2: 1.0, Vital.RESP_RATE: 2.0, Vital.TEMPERATURE: 0.2}


def _low(vital: Vital, limit: float, priority: Priority, condition: str, delay_s: float,
         adjustable: bool = True) -> AlarmRule:
    return AlarmRule(vital, priority, condition, low=limit, hysteresis=HYSTERESIS.get(vital, 0.0),
                     delay_s=delay_s, adjustable=adjustable)


def _high(vital: Vital, limit: float, priority: Priority, condition: str, delay_s: float,
          adjustable: bool = True) -> AlarmRule:
    return AlarmRule(vital, priority, condition, high=limit, hysteresis=HYSTERESIS.get(vital, 0.0),
                     delay_s=delay_s, adjustable=adjustable)


# Delays as bedside monitors ship them: long enough that a moving finger or a cough does not
# alarm, short for the conditions that kill fastest (extreme heart rates, apnoea).
DEFAULT_RULES: tuple[AlarmRule, ...] = (
    _low(Vital.SPO2, 90, Priority.HIGH, f"{Vital.SPO2.label} low", delay_s=10),
    _high(Vital.HEART_RATE, 120, Priority.MEDIUM, "HR high", delay_s=5),
    _high(Vital.HEART_RATE, 150, Priority.HIGH, "HR extreme high", delay_s=2, adjustable=False),
    _low(Vital.HEART_RATE, 45, Priority.HIGH, "HR low", delay_s=5),
    _low(Vital.NIBP_SYS, 90, Priority.MEDIUM, "NIBP sys low", delay_s=0),
    _low(Vital.NIBP_MEAN, 65, Priority.HIGH, "NIBP mean low", delay_s=0),
    _high(Vital.RESP_RATE, 28, Priority.MEDIUM, "RR high", delay_s=10),
    _low(Vital.RESP_RATE, 8, Priority.HIGH, "RR low", delay_s=10),
    _high(Vital.TEMPERATURE, 38.5, Priority.LOW, "Temp high", delay_s=30),
)


def with_limits(rules: Iterable[AlarmRule], limits: Iterable[AlarmLimits]) -> tuple[AlarmRule, ...]:
    """`rules` with each vital's adjustable low and high limits and delays replaced by `limits`
    (a ward's defaults from the config, or a patient's own). A limit for a side the rules do
    not watch adds nothing: a new alarm needs a priority someone decided on.

    Limits beyond the clinical bounds (`stores.alarm_bounds`) apply at the bound: whatever let
    them through, no limit keeps an alarm from sounding."""
    bounded, _changed = clamped_limits(tuple(limits))  # refused and logged where they came in
    by_vital = {limit.vital: limit for limit in bounded}
    return tuple(_adjusted(rule, by_vital.get(rule.vital)) for rule in rules)


def _adjusted(rule: AlarmRule, limits: AlarmLimits | None) -> AlarmRule:
    if limits is None or not rule.adjustable:
        return rule
    changes: dict[str, float] = {}
    limit = limits.low if rule.side == "low" else limits.high
    if limit is not None:
        changes[rule.side] = limit
    if limits.delay_s is not None:
        changes["delay_s"] = limits.delay_s
    return dataclasses.replace(rule, **changes) if changes else rule


def limits_of(rules: Iterable[AlarmRule], vital: Vital) -> AlarmLimits:
    """The adjustable limits the rules apply to a vital, as a form shows them."""
    low = high = delay = None
    for rule in rules:
        if rule.vital is vital and rule.adjustable:
            if rule.side == "low" and low is None:
                low, delay = rule.low, rule.delay_s if delay is None else delay
            elif rule.side == "high" and high is None:
                high, delay = rule.high, rule.delay_s if delay is None else delay
    return AlarmLimits(vital, low, high, delay)
