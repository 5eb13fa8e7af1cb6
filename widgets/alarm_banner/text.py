"""What the alarm banner says and which colours it uses, for an alarm and for the audio state."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import TypeVar
from datetime import datetime

from PySide6.QtGui import QColor

from stores.model import Alarm, AlarmKind, Priority
from widgets import palette, vital_text

log = logging.getLogger(__name__)
T = TypeVar("T")
PRIORITY_WORDS = {Priority.HIGH: "HIGH", Priority.MEDIUM: "MEDIUM", Priority.LOW: "LOW"}
NO_ALARMS = "No active alarms"
AUDIO_MUTED = "Audio muted (training)"
SEPARATOR = " \u00b7 "


def priority_text(priority: Priority) -> str:
    """ "*** HIGH": marks and word, so that colour is never the only cue."""
    return f"{priority.marks} {PRIORITY_WORDS[priority]}"


def alarm_details(alarm: Alarm, now: float, with_ward: bool = False) -> str:
    """ "Bed 7 · Jane Doe · SpO₂ low 84 % · 14:03:07"; `with_ward` (a station showing two
    wards, each with a Bed 7): "north-2 Bed 7 · ..." """
    return detail_forms(alarm, now, with_ward)[0]


def detail_forms(alarm: Alarm, now: float, with_ward: bool = False) -> list[str]:
    """`alarm_details`, then shorter for a narrow banner: the time left out first, then the
    patient's name (both stay in the tooltip); the bed and the condition with its value stay."""
    condition = alarm.condition
    if alarm.vital is not None and alarm.value is not None:
        condition += f" {vital_text.with_unit(alarm.vital, alarm.value)}"
    bed = vital_text.bed_label_from_id(alarm.bed_id)
    if with_ward and bed:
        bed = f"{alarm.ward} {bed}"
    clock = vital_text.clock_text(alarm.raised_at, now)
    forms = ((bed, alarm.patient_name, condition, clock), (bed, alarm.patient_name, condition),
             (bed, condition))
    return list(dict.fromkeys(SEPARATOR.join(part for part in parts if part) for parts in forms))


def alarm_summary(alarm: Alarm, now: float, with_ward: bool = False) -> str:
    """ "*** HIGH · Bed 7 · Jane Doe · SpO₂ low 84 % · 14:03:07" """
    return summary_forms(alarm, now, with_ward)[0]


def summary_forms(alarm: Alarm, now: float, with_ward: bool = False) -> list[str]:
    """`alarm_summary` and its shorter forms (`detail_forms`), the priority always first."""
    return [f"{priority_text(alarm.priority)}{SEPARATOR}{details}"
            for details in detail_forms(alarm, now, with_ward)]


def state_text(alarm: Alarm, escalation: str = "") -> str:
    """ "TECHNICAL · ACK nurse.jones 14:03 · escalated to Nurse Ann Lee": what became of it."""
    tags = []
    if alarm.kind is AlarmKind.TECHNICAL:
        tags.append("TECHNICAL")
    if alarm.acknowledged_at is not None:
        at = datetime.fromtimestamp(alarm.acknowledged_at).strftime("%H:%M")
        tags.append(f"ACK {alarm.acknowledged_by or 'unknown'} {at}")
    elif alarm.latched:
        tags.append("latched")
    if escalation:
        tags.append(escalation)
    return SEPARATOR.join(tags)


def shown_safely(words: Callable[..., T], alarm: Alarm, *args) -> T | str:
    """`words(alarm, *args)`, or, for an alarm with a field that cannot be shown (a bug, a
    record no check foresaw), a line that still says an alarm is there: one bad row never
    blanks the banner."""
    try:
        return words(alarm, *args)
    except Exception:  # noqa: BLE001 - whatever it is, the other rows must still show
        log.exception("alarm %r cannot be shown in full", getattr(alarm, "id", None))
        bed = getattr(alarm, "bed_id", "")
        where = f" on {vital_text.bed_label_from_id(bed)}" if isinstance(bed, str) and bed else ""
        return f"ALARM{where}: cannot be shown in full, check the bedside"


def forms_safely(forms: Callable[..., list[str]], alarm: Alarm, *args) -> list[str]:
    """`forms(alarm, *args)`, or `shown_safely`'s line for an alarm that cannot be shown."""
    shown = shown_safely(forms, alarm, *args)
    return [shown] if isinstance(shown, str) else shown


def safe_priority_text(priority: object) -> str:
    try:
        return priority_text(priority)
    except (KeyError, AttributeError):
        return "??? ALARM"


def safe_colours(alarm: Alarm, bright: bool) -> tuple[str, str, str]:
    """`alarm_colours`, or the high-priority colours for an alarm whose state cannot be read:
    what cannot be shown is shown as urgent, never as calm."""
    try:
        return alarm_colours(alarm, bright)
    except Exception:  # noqa: BLE001 - same reason as shown_safely
        colour = palette.ALARM_COLOURS[Priority.HIGH]
        return colour, palette.ALARM_TEXT_COLOURS[Priority.HIGH], colour


NO_AUDIO_OUTPUT = "No audio output: alarms are not heard"
NO_AUDIO_SHORT = "No audio: alarms not heard"  # where the banner is narrow (1366 px)


def audio_state_text(paused_until: float | None, muted: bool, now: float,
                     available: bool = True) -> str:
    """ "Audio muted (training)", "Audio paused 1:42", "No audio output...", or "" while the
    audio is on."""
    if muted:
        return AUDIO_MUTED
    if not available:
        return NO_AUDIO_OUTPUT
    if paused_until is None or now >= paused_until:
        return ""
    seconds = math.ceil(paused_until - now)
    return f"Audio paused {seconds // 60}:{seconds % 60:02d}"


def audio_forms(text: str) -> list[str]:
    """An audio state's words (`audio_state_text`), then its short form where it has one."""
    return [text, NO_AUDIO_SHORT] if text == NO_AUDIO_OUTPUT else [text]


def flash_interval_ms(priority: Priority) -> int:
    """Half a flash period (0 for steady): the banner switches colour twice per period."""
    hz = palette.ALARM_FLASH_HZ[priority]
    return round(500 / hz) if hz else 0


def dark_variant(colour: str) -> str:
    """The dark half of a flash: the same hue, dim enough that the change is unmistakable."""
    return QColor(colour).darker(300).name()


def calm_variant(colour: str) -> str:
    """An acknowledged alarm's steady background: the panel, faintly tinted with its colour."""
    panel, tint = QColor(palette.PANEL), QColor(colour)
    mix = [round(0.86 * a + 0.14 * b) for a, b in zip(panel.getRgb()[:3], tint.getRgb()[:3])]
    return QColor(*mix).name()


def alarm_colours(alarm: Alarm, bright: bool) -> tuple[str, str, str]:
    """(background, text, border) of an alarm: its colour flashing while it needs attention,
    a calm steady tint once acknowledged."""
    colour = palette.ALARM_COLOURS[alarm.priority]
    if not alarm.needs_attention:
        return calm_variant(colour), palette.TEXT, colour
    if bright:
        return colour, palette.ALARM_TEXT_COLOURS[alarm.priority], colour
    return dark_variant(colour), palette.TEXT, colour
