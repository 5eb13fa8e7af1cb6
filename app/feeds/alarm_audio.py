"""The station's alarm audio state: paused for two minutes by a nurse, or muted by a setting
(training rooms). Both are this station's own; the banner shows them, the sound obeys them."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from stores.model import Alarm

PAUSE_S = 120.0


class AlarmAudio(QObject):
    state_changed = Signal(object, bool)  # paused until (epoch s) or None, muted

    def __init__(self, muted: bool = False, clock: Callable[[], float] = time.time,
                 pause_s: float = PAUSE_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.muted = muted
        self.pause_s = pause_s
        self._clock = clock
        self.paused_until: float | None = None
        # Alarms by (id, raised at): a technical alarm that ends and comes back keeps its id
        # but is a new alarm, and must break a pause like any other.
        self._paused_alarms: set[tuple[str, float]] = set()
        self._waiting: set[tuple[str, float]] = set()  # alarms that need attention now
        self._resume = QTimer(self, singleShot=True, timeout=self._end_pause)

    def announce(self) -> None:
        """Say the state once (at start-up), so the banner shows a mute from the first frame."""
        self.state_changed.emit(self.paused_until, self.muted)

    @Slot()
    def pause(self) -> None:
        """Pause the audio of the alarms needing attention now; it sounds again after the pause
        if they still do. An alarm raised during the pause sounds at once."""
        self.paused_until = self._clock() + self.pause_s
        self._paused_alarms = set(self._waiting)
        self._resume.start(round(self.pause_s * 1000))
        self.announce()

    @Slot(object)
    def show_alarms(self, alarms: list[Alarm]) -> None:
        self._waiting = {(a.id, a.raised_at) for a in alarms if a.needs_attention}
        if self.paused_until is not None and self._waiting - self._paused_alarms:
            self._end_pause()

    def _end_pause(self) -> None:
        self._resume.stop()
        if self.paused_until is not None:
            self.paused_until = None
            self._paused_alarms = set()
            self.announce()
