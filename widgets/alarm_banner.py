"""The alarm banner across the top of the station: the most urgent alarm, flashing by its priority."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from stores.model import Alarm, Priority, banner_order
from widgets import palette, vital_text

PRIORITY_WORDS = {Priority.HIGH: "HIGH", Priority.MEDIUM: "MEDIUM", Priority.LOW: "LOW"}
NO_ALARMS = "No active alarms"
# A nurse reaching for Acknowledge must not acknowledge an alarm that appeared under the finger.
ACKNOWLEDGE_GUARD_S = 1.0


def alarm_summary(alarm: Alarm, now: float) -> str:
    """ "*** HIGH · Bed 7 · Jane Doe · SpO₂ low 84 % · 14:03:07" """
    parts = [f"{alarm.priority.marks} {PRIORITY_WORDS[alarm.priority]}"]
    parts += [vital_text.bed_label_from_id(alarm.bed_id), alarm.patient_name]
    condition = alarm.condition
    if alarm.vital is not None and alarm.value is not None:
        condition += f" {vital_text.with_unit(alarm.vital, alarm.value)}"
    parts += [condition, vital_text.clock_text(alarm.raised_at, now)]
    return " \u00b7 ".join(part for part in parts if part)


def flash_interval_ms(priority: Priority) -> int:
    """Half a flash period (0 for steady): the banner switches colour twice per period."""
    hz = palette.ALARM_FLASH_HZ[priority]
    return round(500 / hz) if hz else 0


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class AlarmBanner(QFrame):
    """Shows the top alarm of every alarm needing attention, and how many more wait behind it."""

    acknowledge_requested = Signal(str)
    patient_selected = Signal(str)

    def __init__(self, clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AlarmBanner")
        self._clock = clock
        self._shown: Alarm | None = None
        self._shown_since = float("-inf")  # when the shown alarm became the top one
        self._bright = True
        self._style_key: tuple | None = None
        self.text = _ClickableLabel(NO_ALARMS, objectName="AlarmText")
        self.more = QLabel("", objectName="AlarmMore")
        self.acknowledge = QPushButton("Acknowledge", objectName="AcknowledgeButton")
        self._flash = QTimer(self, timeout=self._toggle_flash)
        self._build_layout()
        self.text.clicked.connect(self._on_text_clicked)
        self.acknowledge.clicked.connect(self._on_acknowledge)
        self._show_top(None, [])

    def _build_layout(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 10, 6)
        layout.setSpacing(16)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.more)
        layout.addWidget(self.acknowledge)
        self.setMinimumHeight(52)

    def shown_alarm(self) -> Alarm | None:
        return self._shown

    def is_bright(self) -> bool:
        """True while the banner shows its alarm colour, False in the dark half of a flash."""
        return self._bright

    @Slot(list)
    def show_alarms(self, alarms: list[Alarm]) -> None:
        """Every alarm needing attention, in any order."""
        ordered = banner_order(alarms)
        self._show_top(ordered[0] if ordered else None, ordered[1:])

    def _show_top(self, top: Alarm | None, others: list[Alarm]) -> None:
        previous, self._shown = self._shown, top
        now = self._clock()
        if top is not None and (previous is None or previous.id != top.id):
            self._shown_since = now
        self.text.setText(alarm_summary(top, now) if top else NO_ALARMS)
        selectable = top is not None and bool(top.patient_id)
        self.text.setCursor(Qt.CursorShape.PointingHandCursor if selectable else Qt.CursorShape.ArrowCursor)
        self.more.setText(f"+{len(others)} more" if others else "")
        self.more.setToolTip("\n".join(alarm_summary(a, now) for a in others))
        self.more.setVisible(bool(others))
        self.acknowledge.setVisible(top is not None)
        if previous is None or top is None or previous.priority != top.priority:
            self._restart_flash()

    def _restart_flash(self) -> None:
        self._flash.stop()
        self._bright = True
        interval = flash_interval_ms(self._shown.priority) if self._shown else 0
        if interval:
            self._flash.start(interval)
        self._apply_colours()

    def _toggle_flash(self) -> None:
        self._bright = not self._bright
        self._apply_colours()

    def _apply_colours(self) -> None:
        background, text = self._colours()
        if self._style_key == (background, text):
            return
        self._style_key = (background, text)
        # A style sheet of its own wins over the application theme for the banner and its labels.
        self.setStyleSheet(
            f"#AlarmBanner {{ background-color: {background}; border-bottom: 1px solid {palette.BORDER}; }}"
            f" #AlarmText {{ color: {text}; font-size: 15pt; font-weight: bold; }}"
            f" #AlarmMore {{ color: {text}; font-size: 12pt; }}"
            " #AcknowledgeButton { font-size: 12pt; font-weight: bold; padding: 6px 18px; }"
        )

    def _colours(self) -> tuple[str, str]:
        if self._shown is None:
            return palette.PANEL, palette.TEXT_DIM
        priority = self._shown.priority
        if self._bright:
            return palette.ALARM_COLOURS[priority], palette.ALARM_TEXT_COLOURS[priority]
        return dark_variant(palette.ALARM_COLOURS[priority]), palette.TEXT

    def _on_text_clicked(self) -> None:
        if self._shown is not None and self._shown.patient_id:
            self.patient_selected.emit(self._shown.patient_id)

    def _on_acknowledge(self) -> None:
        if self._shown is None or self._clock() - self._shown_since < ACKNOWLEDGE_GUARD_S:
            return
        self.acknowledge_requested.emit(self._shown.id)


def dark_variant(colour: str) -> str:
    """The dark half of a flash: the same hue, dim enough that the change is unmistakable."""
    return QColor(colour).darker(300).name()
