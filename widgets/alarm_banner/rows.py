"""The compact list under the banner's top alarm: a row per further open alarm, then "+N more"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from stores.model import Alarm, Priority
from widgets import palette
from widgets.alarm_banner.text import (
    SEPARATOR,
    alarm_summary,
    detail_forms,
    forms_safely,
    safe_colours,
    safe_priority_text,
    shown_safely,
    state_text,
)
from widgets.fitted_label import FittedLabel

MAX_ROWS = 3  # more rows would push the beds down on a 1080-line screen


class AlarmRow(QFrame):
    """One open alarm on one line: its priority chip (flashing while it needs attention),
    bed, patient, condition, time, and what became of it."""

    clicked = Signal(str)  # the alarm's patient id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AlarmRow")
        self.alarm: Alarm | None = None
        self._style_key: tuple | None = None
        self.chip = QLabel(objectName="AlarmChip", alignment=Qt.AlignmentFlag.AlignCenter)
        self.chip.setFixedWidth(104)
        self.details = FittedLabel(objectName="AlarmRowText")
        self.state = QLabel(objectName="AlarmRowState")
        self.details.setMinimumWidth(240)  # cut at the right, not widening the window
        self.state.setMinimumWidth(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 1, 0, 1)
        layout.setSpacing(12)
        layout.addWidget(self.chip)
        layout.addWidget(self.details)
        layout.addWidget(self.state)
        layout.addStretch(1)

    def show_alarm(self, alarm: Alarm, escalation: str, now: float, bright: bool,
                   with_ward: bool = False) -> None:
        self.alarm = alarm
        self.chip.setText(safe_priority_text(alarm.priority))
        self.details.set_texts(forms_safely(detail_forms, alarm, now, with_ward))
        self.state.setText(shown_safely(state_text, alarm, escalation))
        self.setToolTip(self.text())
        selectable = bool(alarm.patient_id)
        self.setCursor(Qt.CursorShape.PointingHandCursor if selectable else Qt.CursorShape.ArrowCursor)
        self.set_bright(bright)

    def text(self) -> str:
        """Everything the row says, as one line."""
        parts = [self.chip.text(), self.details.text(), self.state.text()]
        return SEPARATOR.join(part for part in parts if part)

    def set_bright(self, bright: bool) -> None:
        """The chip's half of the flash; an alarm that no longer needs attention stays steady."""
        background, text, border = safe_colours(self.alarm, bright)
        calm = not _needs_attention(self.alarm)
        key = (background, text, border, calm)
        if key == self._style_key:
            return
        self._style_key = key
        words = palette.TEXT_DIM if calm else palette.TEXT
        self.setStyleSheet(
            f"#AlarmChip {{ background-color: {background}; color: {text};"
            f" border: 1px solid {border}; border-radius: 3px; font-size: 10pt; font-weight: bold;"
            " padding: 1px 4px; }"
            f" #AlarmRowText {{ color: {words}; font-size: 11pt; }}"
            f" #AlarmRowState {{ color: {words}; font-size: 11pt; font-weight: bold; }}"
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton and self.alarm and self.alarm.patient_id:
            self.clicked.emit(self.alarm.patient_id)
        super().mouseReleaseEvent(event)


class AlarmList(QWidget):
    """The open alarms after the top one: a few rows, and the count of those that do not fit."""

    patient_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = [AlarmRow(self) for _ in range(MAX_ROWS)]
        self.more = QLabel("", objectName="AlarmMore")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 4, 10, 4)
        layout.setSpacing(2)
        for row in self.rows:
            row.clicked.connect(self.patient_selected)
            layout.addWidget(row)
        layout.addWidget(self.more)
        self.more.setStyleSheet(f"color: {palette.TEXT}; font-size: 10pt; font-weight: bold;")

    def show_alarms(self, alarms: list[Alarm], escalations: dict[str, str], now: float,
                    phases: dict[Priority, bool], with_ward: bool = False) -> None:
        for index, row in enumerate(self.rows):
            if index < len(alarms):
                alarm = alarms[index]
                row.show_alarm(alarm, escalations.get(alarm.id, ""), now,
                               phases.get(alarm.priority, True), with_ward)
            row.setHidden(index >= len(alarms))
        hidden = alarms[len(self.rows):]
        self.more.setText(more_text(hidden))
        self.more.setToolTip("\n".join(_line(a, escalations, now, with_ward) for a in hidden))
        self.more.setHidden(not hidden)
        self.setHidden(not alarms)

    def set_bright(self, priority: Priority, bright: bool) -> None:
        for row in self.shown_rows():
            if row.alarm.priority is priority:
                row.set_bright(bright)

    def shown_rows(self) -> list[AlarmRow]:
        return [row for row in self.rows if not row.isHidden()]


def more_text(hidden: list[Alarm]) -> str:
    """ "+3 more: 1 *** HIGH, 2 ** MEDIUM needing attention": what waits below, by priority,
    so an urgent alarm out of sight is still announced in words."""
    if not hidden:
        return ""
    waiting = [a for a in hidden if a.needs_attention]
    counts = [f"{sum(a.priority is p for a in waiting)} {p.marks} {p.name}"
              for p in sorted({a.priority for a in waiting}, reverse=True)]
    return f"+{len(hidden)} more" + (f": {', '.join(counts)} needing attention" if counts else "")


def _line(alarm: Alarm, escalations: dict[str, str], now: float, with_ward: bool) -> str:
    state = shown_safely(state_text, alarm, escalations.get(alarm.id, ""))
    return shown_safely(alarm_summary, alarm, now, with_ward) + (SEPARATOR + state if state else "")


def _needs_attention(alarm: Alarm) -> bool:
    try:
        return alarm.needs_attention
    except Exception:  # noqa: BLE001 - an alarm whose state cannot be read asks for attention
        return True
