"""Alarms: priorities (IEC 60601-1-8), kinds, the alarm record and the banner's order."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from stores.model.vitals import Vital


class Priority(enum.IntEnum):
    """IEC 60601-1-8 alarm priority. Higher value, more urgent."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def marks(self) -> str:
        """The priority's written marks, so that colour is never the only cue."""
        return "*" * int(self)


class AlarmKind(str, enum.Enum):
    PHYSIOLOGICAL = "physiological"
    TECHNICAL = "technical"


@dataclass(frozen=True)
class Alarm:
    """One alarm condition on one bed, in its latest known state.

    An alarm is published again, with the same `id`, each time its state changes (acknowledged,
    condition cleared). Receivers keep the latest version per id.
    """

    id: str
    region: str
    ward: str
    bed_id: str
    patient_id: str | None
    patient_name: str
    priority: Priority
    condition: str  # "SpO2 low"
    raised_at: float
    kind: AlarmKind = AlarmKind.PHYSIOLOGICAL
    vital: Vital | None = None
    value: float | None = None
    limit: float | None = None
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    cleared_at: float | None = None  # when the condition stopped being true
    simulated: bool = False  # raised on the bedside simulator's vitals

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def condition_active(self) -> bool:
        return self.cleared_at is None

    @property
    def latched(self) -> bool:
        """High-priority alarms latch: they stay until acknowledged even if the condition cleared."""
        return not self.condition_active and self.priority is Priority.HIGH and not self.acknowledged

    @property
    def is_open(self) -> bool:
        """Listed in the banner: the condition is still true, or the alarm latched. An alarm that
        is no longer open is resolved (it stays in the history)."""
        return self.condition_active or self.latched

    @property
    def needs_attention(self) -> bool:
        """Open and not acknowledged: it flashes and sounds."""
        return self.is_open and not self.acknowledged

    def acknowledge(self, by: str, at: float) -> Alarm:
        return dataclasses.replace(self, acknowledged_by=by, acknowledged_at=at)

    def clear(self, at: float) -> Alarm:
        return dataclasses.replace(self, cleared_at=at)


def banner_order(alarms: list[Alarm]) -> list[Alarm]:
    """Open alarms, highest priority first, then oldest first."""
    waiting = [a for a in alarms if a.is_open]
    return sorted(waiting, key=lambda a: (-int(a.priority), a.raised_at, a.id))
