"""How the alarm history and the shift figures are written, in words a charge nurse reads."""

from __future__ import annotations

from datetime import datetime

from stores.model import Alarm, AlarmKind, Priority, ShiftFigures
from widgets import vital_text

PRIORITY_NAMES = {Priority.HIGH: "High", Priority.MEDIUM: "Medium", Priority.LOW: "Low"}
KIND_NAMES = {AlarmKind.PHYSIOLOGICAL: "Patient", AlarmKind.TECHNICAL: "Technical"}
NONE = "\u2014"
RANGES = ((3600.0, "1 h"), (8 * 3600.0, "8 h"), (24 * 3600.0, "24 h"), (7 * 86400.0, "7 days"))


def priority_text(priority: Priority) -> str:
    """ "*** High": the marks first, so that colour is never the only cue."""
    return f"{priority.marks} {PRIORITY_NAMES[priority]}"


def range_text(seconds: float) -> str:
    return next((text for span, text in RANGES if span == seconds), f"{seconds / 3600:g} h")


def duration_text(seconds: float) -> str:
    """ "38 s", "4 min 05 s", "1 h 12 min": exact enough to compare responses."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds // 60 % 60:02d} min"


def condition_text(alarm: Alarm) -> str:
    """ "SpO₂ low 84 % (< 90)": the value that raised the alarm, and the limit it crossed."""
    text = alarm.condition
    if alarm.vital is not None and alarm.value is not None:
        text += f" {vital_text.with_unit(alarm.vital, alarm.value)}"
        if alarm.limit is not None:
            side = "<" if alarm.value < alarm.limit else ">"
            text += f" ({side} {vital_text.value_text(alarm.vital, alarm.limit)})"
    return text


def acknowledged_text(alarm: Alarm) -> str:
    """Who and when; the day only when it is not the day the alarm was raised (that row's
    "Raised" column says which day it was)."""
    if alarm.acknowledged_at is None:
        return NONE
    when = vital_text.clock_text(alarm.acknowledged_at, alarm.raised_at)
    return f"{alarm.acknowledged_by} {when}" if alarm.acknowledged_by else when


def time_to_acknowledge(alarm: Alarm) -> float | None:
    if alarm.acknowledged_at is None:
        return None
    return max(0.0, alarm.acknowledged_at - alarm.raised_at)


def resolved_at(alarm: Alarm) -> float | None:
    """When the alarm left the banner: its condition cleared, or for a latched high-priority
    alarm the later of that and its acknowledgement. None while it is open."""
    if alarm.is_open or alarm.cleared_at is None:
        return None
    if alarm.priority is Priority.HIGH and alarm.acknowledged_at is not None:
        return max(alarm.cleared_at, alarm.acknowledged_at)
    return alarm.cleared_at


def resolved_text(alarm: Alarm) -> str:
    if alarm.latched:
        return "Latched"  # cleared, but a high-priority alarm stays until acknowledged
    if alarm.is_open:
        return "Active"
    return vital_text.clock_text(resolved_at(alarm), alarm.raised_at)


def rate_text(rate: float) -> str:
    return f"{rate:.2f}" if rate < 1 else f"{rate:.1f}"


def shift_title(position: int, figures: ShiftFigures) -> str:
    """ "This shift · Day 07–15", "Previous shift · Night 23–07", then the day it started:
    `position` 0 is the shift under way."""
    start = datetime.fromtimestamp(figures.start)
    end = datetime.fromtimestamp(figures.end)
    when = ("This shift", "Previous shift")[position] if position < 2 else f"{start:%a %d %b}"
    return f"{when} \u00b7 {figures.name} {start:%H}\u2013{end:%H}"


def shift_lines(figures: ShiftFigures) -> tuple[str, str]:
    """What one shift's alarms came to, and how quickly they were acknowledged."""
    alarms = f"{figures.alarms} alarm{'s' * (figures.alarms != 1)}"
    if figures.alarms_per_bed_hour is None:
        burden = f"{alarms} \u00b7 no bed monitored"
    else:
        burden = f"{alarms} \u00b7 {rate_text(figures.alarms_per_bed_hour)} per bed per hour"
    if figures.acknowledge_s_mean is None:
        return burden, "None acknowledged"
    return burden, (f"{figures.acknowledged} acknowledged, on average in "
                    f"{duration_text(figures.acknowledge_s_mean)}")


def shift_details(figures: ShiftFigures) -> str:
    """What the rate is made of, for the tooltip."""
    return (f"{figures.alarms} alarms over {_hours_text(figures.bed_hours)} bed-hours of "
            f"monitoring (occupied beds \u00d7 hours).\nAn acknowledgement counts in the shift "
            f"it was made in.")


def _hours_text(hours: float) -> str:
    return f"{hours:.1f}" if hours < 10 else f"{hours:.0f}"
