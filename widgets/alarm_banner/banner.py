"""The alarm banner across the top of the station: every open alarm, the most urgent one large."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QMouseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from stores.model import Alarm, Priority, banner_order
from widgets import palette
from widgets.alarm_banner.rows import AlarmList
from widgets.alarm_banner.text import (  # noqa: F401 (re-exported: the banner's vocabulary)
    NO_ALARMS,
    PRIORITY_WORDS,
    alarm_colours,
    alarm_summary,
    audio_forms,
    audio_state_text,
    dark_variant,
    flash_interval_ms,
    forms_safely,
    safe_colours,
    shown_safely,
    state_text,
    summary_forms,
)
from widgets.fitted_label import FittedLabel

# A nurse reaching for Acknowledge must not acknowledge an alarm that appeared under the finger.
ACKNOWLEDGE_GUARD_S = 1.0
_STYLE = (
    f"#AlarmBanner {{ background-color: {palette.PANEL}; border-bottom: 1px solid {palette.BORDER}; }}"
    f" #AudioState {{ background-color: {palette.PANEL}; color: {palette.DEGRADED};"
    f" border: 1px solid {palette.DEGRADED}; border-radius: 3px; padding: 3px 10px;"
    " font-size: 12pt; font-weight: bold; }"
    " #AcknowledgeButton, #PauseAudioButton { font-size: 12pt; font-weight: bold; padding: 6px 18px; }"
)


def display_order(alarms: list[Alarm]) -> list[Alarm]:
    """Open alarms by priority then age, those still needing attention before acknowledged ones,
    so that the top alarm is always the one Acknowledge acts on."""
    return sorted(banner_order(alarms), key=lambda alarm: not alarm.needs_attention)


class _ClickableLabel(FittedLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class AlarmBanner(QFrame):
    """The top alarm large with Acknowledge and Pause audio, the other open alarms below it."""

    acknowledge_requested = Signal(str)
    patient_selected = Signal(str)
    audio_pause_requested = Signal()
    painted = Signal()  # after every paint of the banner (the alarm benchmark times up to it)

    def __init__(self, clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AlarmBanner")
        self._clock = clock
        self._open: list[Alarm] = []
        self._escalations: dict[str, str] = {}
        self._not_sent: dict[str, str] = {}  # alarm id -> an acknowledgement that did not go out
        self._paused_until: float | None = None
        self._muted = False
        self._audio_available = True
        self._with_ward = False  # the station shows two wards: "north-2 Bed 7", not "Bed 7"
        self._shown: Alarm | None = None
        self._shown_since = float("-inf")  # when the shown alarm became the top one
        self._phases = {priority: True for priority in Priority}  # bright half of each flash
        self._flash = {p: QTimer(self, timeout=functools.partial(self._toggle_flash, p))
                       for p in Priority if flash_interval_ms(p)}
        self._countdown = QTimer(self, interval=500, timeout=self._show_audio_state)
        self._style_key: tuple | None = None
        self._build_widgets()
        self._build_layout()
        self._render()

    def _build_widgets(self) -> None:
        self.top = QFrame(objectName="AlarmTop")
        self.text = _ClickableLabel(NO_ALARMS, objectName="AlarmText")
        self.state = FittedLabel(objectName="AlarmState")  # cut with "…" where narrow
        self.audio = FittedLabel(objectName="AudioState", whole=True)
        self.audio.setAlignment(Qt.AlignmentFlag.AlignCenter)  # its short form in a wider box
        self.pause_audio = QPushButton("Pause audio", objectName="PauseAudioButton")
        self.pause_audio.setToolTip("Silence the alarm sound for 2 minutes")
        self.acknowledge = QPushButton("Acknowledge", objectName="AcknowledgeButton")
        self.list = AlarmList()
        self.more = self.list.more
        self.text.clicked.connect(self._on_text_clicked)
        self.acknowledge.clicked.connect(self._on_acknowledge)
        self.pause_audio.clicked.connect(self.audio_pause_requested)
        self.list.patient_selected.connect(self.patient_selected)
        self.setStyleSheet(_STYLE)

    def _build_layout(self) -> None:
        top = QHBoxLayout(self.top)
        top.setContentsMargins(14, 6, 10, 6)
        top.setSpacing(16)
        top.addWidget(self.text)
        # the state (acknowledged, escalated) takes what the alarm itself leaves
        self.state.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.state, 1)
        for widget in (self.audio, self.pause_audio, self.acknowledge):
            top.addWidget(widget)
        self.top.setMinimumHeight(52)
        # A long alarm text never widens the window past the screen: where it does not fit,
        # it leaves out its time, then the patient's name, then is cut with "…"; the priority,
        # bed and condition come first, and all of it is in the tooltip.
        self.text.setMinimumWidth(360)
        self.state.setMinimumWidth(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top)
        layout.addWidget(self.list)

    def shown_alarm(self) -> Alarm | None:
        return self._shown

    def shown_alarm_ids(self) -> list[str]:
        """The ids of the alarms the banner shows on screen now, top first."""
        if self._shown is None:
            return []
        return [self._shown.id] + [row.alarm.id for row in self.list.shown_rows()]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        self.painted.emit()

    def is_bright(self) -> bool:
        """True while the top alarm shows its colour, False in the dark half of a flash."""
        top = self._shown
        return self._phases[top.priority] if top is not None and top.needs_attention else True

    @Slot(list)
    def show_alarms(self, alarms: list[Alarm]) -> None:
        """Every open alarm of the ward (acknowledged and technical ones too), in any order."""
        self._open = display_order(alarms)
        self._render()
        self.update()  # the benchmark waits for this paint

    @Slot(str, str)
    def show_acknowledge_failed(self, alarm_id: str, message: str) -> None:
        """An acknowledgement of `alarm_id` that did not go out: said on its row until the
        alarm is acknowledged or gone, so that nobody takes it for acknowledged."""
        self._not_sent[alarm_id] = message.replace("Not acknowledged", "NOT ACKNOWLEDGED", 1)
        self._render()

    def _notes(self) -> dict[str, str]:
        """What is said with each alarm: its escalation, and an acknowledgement not sent."""
        waiting = {a.id for a in self._open if a.needs_attention}
        self._not_sent = {k: v for k, v in self._not_sent.items() if k in waiting}
        notes = dict(self._escalations)
        for alarm_id, message in self._not_sent.items():
            notes[alarm_id] = " \u00b7 ".join(filter(None, [message, notes.get(alarm_id)]))
        return notes

    @Slot(dict)
    def set_escalations(self, escalations: dict[str, str]) -> None:
        """Alarm id -> "escalated to Nurse Ann Lee", shown with that alarm."""
        self._escalations = dict(escalations)
        self._render()

    @Slot(bool)
    def set_ward_named(self, named: bool) -> None:
        """True on a station showing two wards (each has a Bed 7): each alarm names its ward."""
        self._with_ward = named
        self._render()

    @Slot(bool)
    def set_audio_available(self, available: bool) -> None:
        """False when the station has no audio output: the banner says the alarms are silent."""
        self._audio_available = available
        self._show_audio_state()

    @Slot(object, bool)
    def set_audio_state(self, paused_until: float | None, muted: bool) -> None:
        """Audio paused until that epoch time (None: not paused); muted by a station setting."""
        self._paused_until, self._muted = paused_until, muted
        self._show_audio_state()

    def _render(self) -> None:
        now = self._clock()
        notes = self._notes()
        self._show_top(self._open[0] if self._open else None, now, notes)
        self.list.show_alarms(self._open[1:], notes, now, self._phases, self._with_ward)
        self._keep_flashing()
        self._apply_top_colours()
        self._show_audio_state()

    def _show_top(self, top: Alarm | None, now: float, notes: dict[str, str]) -> None:
        previous, self._shown = self._shown, top
        new_top = top is not None and (previous is None or previous.id != top.id)
        if new_top:
            self._shown_since = now
        if top is not None and top.needs_attention and (
                new_top or not previous.needs_attention or previous.priority != top.priority):
            self._restart_flash(top.priority)  # a new alarm starts bright
        self.text.set_texts(forms_safely(summary_forms, top, now, self._with_ward) if top
                            else [NO_ALARMS])
        self.state.setText(shown_safely(state_text, top, notes.get(top.id, "")) if top else "")
        self.top.setToolTip(" \u00b7 ".join(t for t in (self.text.text(), self.state.text()) if t))
        self.state.setHidden(not self.state.text())
        selectable = top is not None and bool(top.patient_id)
        self.text.setCursor(Qt.CursorShape.PointingHandCursor if selectable else Qt.CursorShape.ArrowCursor)
        self.acknowledge.setHidden(top is None or not top.needs_attention)

    def _restart_flash(self, priority: Priority) -> None:
        self._phases[priority] = True
        if priority in self._flash:
            self._flash[priority].start(flash_interval_ms(priority))

    def _keep_flashing(self) -> None:
        """Run the flash of each priority that an alarm on screen needs, and only those."""
        shown = ([self._shown] if self._shown else []) + [r.alarm for r in self.list.shown_rows()]
        needed = {alarm.priority for alarm in shown if alarm.needs_attention}
        for priority, timer in self._flash.items():
            if priority not in needed:
                timer.stop()
                self._phases[priority] = True
            elif not timer.isActive():
                self._restart_flash(priority)

    def _toggle_flash(self, priority: Priority) -> None:
        self._phases[priority] = not self._phases[priority]
        self._apply_top_colours()
        self.list.set_bright(priority, self._phases[priority])

    def _apply_top_colours(self) -> None:
        if self._shown is None:
            background, text, border = palette.PANEL, palette.TEXT_DIM, palette.PANEL
        else:
            background, text, border = safe_colours(self._shown, self.is_bright())
        if self._style_key == (background, text, border):
            return
        self._style_key = (background, text, border)
        # A style sheet of its own wins over the application theme for the top and its labels.
        self.top.setStyleSheet(
            f"#AlarmTop {{ background-color: {background}; border: 2px solid {border}; }}"
            f" #AlarmText {{ color: {text}; font-size: 15pt; font-weight: bold; }}"
            f" #AlarmState {{ color: {text}; font-size: 12pt; font-weight: bold; }}"
        )

    def _show_audio_state(self) -> None:
        text = audio_state_text(self._paused_until, self._muted, self._clock(),
                                self._audio_available)
        self.audio.set_texts(audio_forms(text))
        self.audio.setHidden(not text)
        counting_down = text.startswith("Audio paused")
        if counting_down and not self._countdown.isActive():
            self._countdown.start()
        elif not counting_down:
            self._countdown.stop()
        self.pause_audio.setHidden(not any(alarm.needs_attention for alarm in self._open))
        self.pause_audio.setEnabled(not self._muted)

    def _on_text_clicked(self) -> None:
        if self._shown is not None and self._shown.patient_id:
            self.patient_selected.emit(self._shown.patient_id)

    def acknowledgeable(self) -> bool:
        """Whether Acknowledge, clicked now, acknowledges the alarm shown: one is shown, and
        has been for ACKNOWLEDGE_GUARD_S."""
        return self._shown is not None and \
            self._clock() - self._shown_since >= ACKNOWLEDGE_GUARD_S

    def _on_acknowledge(self) -> None:
        if self.acknowledgeable():
            self.acknowledge_requested.emit(self._shown.id)
