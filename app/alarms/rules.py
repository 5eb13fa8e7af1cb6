"""Threshold alarm rules: which value of which vital raises which alarm, at what priority."""

from __future__ import annotations

from dataclasses import dataclass

from stores.model import Priority, Vital


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

    def __post_init__(self) -> None:
        if (self.low is None) == (self.high is None):
            raise ValueError(f"{self.condition}: a rule needs exactly one of low or high")

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


def _low(vital: Vital, limit: float, priority: Priority, condition: str) -> AlarmRule:
    return AlarmRule(vital, priority, condition, low=limit, hysteresis=HYSTERESIS.get(vital, 0.0))


def _high(vital: Vital, limit: float, priority: Priority, condition: str) -> AlarmRule:
    return AlarmRule(vital, priority, condition, high=limit, hysteresis=HYSTERESIS.get(vital, 0.0))


DEFAULT_RULES: tuple[AlarmRule, ...] = (
    _low(Vital.SPO2, 90, Priority.HIGH, f"{Vital.SPO2.label} low"),
    _high(Vital.HEART_RATE, 120, Priority.MEDIUM, "HR high"),
    _high(Vital.HEART_RATE, 150, Priority.HIGH, "HR extreme high"),
    _low(Vital.HEART_RATE, 45, Priority.HIGH, "HR low"),
    _low(Vital.NIBP_SYS, 90, Priority.MEDIUM, "NIBP sys low"),
    _low(Vital.NIBP_MEAN, 65, Priority.HIGH, "NIBP mean low"),
    _high(Vital.RESP_RATE, 28, Priority.MEDIUM, "RR high"),
    _low(Vital.RESP_RATE, 8, Priority.HIGH, "RR low"),
    _high(Vital.TEMPERATURE, 38.5, Priority.LOW, "Temp high"),
)
