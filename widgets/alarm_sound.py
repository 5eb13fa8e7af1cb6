"""The station's audible alarm: the burst of the most urgent unacknowledged alarm, repeated."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from stores.model import Alarm, Priority
from widgets.alarm_sound_output import BurstOutput, open_burst_output
from widgets.alarm_tones import PATTERNS, BurstPattern


class AlarmSound(QObject):
    """Sounds the highest priority among alarms needing attention, unless audio is paused or muted.

    The decision runs whether or not the machine can play sound: `sounding_priority` and
    `burst_played` say what is (or would be) heard.
    """

    burst_played = Signal(object)  # Priority: a burst started (silently without an audio output)

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        output_factory: Callable[[QObject], BurstOutput | None] = open_burst_output,
        patterns: dict[Priority, BurstPattern] = PATTERNS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._patterns = patterns
        self._output = output_factory(self)
        self._waiting: dict[str, Priority] = {}  # alarms needing attention, by id
        self._paused_until: float | None = None
        self._muted = False
        self._sounding: Priority | None = None
        self._burst_started = float("-inf")
        self.bursts_played = 0
        self._repeat = QTimer(self, singleShot=True, timeout=self._play_burst)
        self._pause_end = QTimer(self, singleShot=True, timeout=self._update)

    @property
    def has_output(self) -> bool:
        """False on a machine without an audio output: the alarms are then only seen."""
        return self._output is not None

    @property
    def sounding_priority(self) -> Priority | None:
        return self._sounding

    @Slot(list)
    def show_alarms(self, alarms: list[Alarm]) -> None:
        """Every open alarm of the ward, in any order (acknowledged ones are not sounded)."""
        waiting = {a.id: a.priority for a in alarms if a.needs_attention}
        new = {p for alarm_id, p in waiting.items() if alarm_id not in self._waiting}
        self._waiting = waiting
        self._update()
        if self._sounding in new and self._between_bursts():
            # a fresh alarm is heard now, not after a long interburst interval of an older one
            self._play_burst()

    @Slot(object, bool)
    def set_audio_state(self, paused_until: float | None, muted: bool) -> None:
        """Audio paused until that epoch time (None: not paused); muted by a station setting."""
        self._paused_until, self._muted = paused_until, muted
        self._update()

    def _paused(self) -> bool:
        return self._paused_until is not None and self._clock() < self._paused_until

    def _wanted(self) -> Priority | None:
        if self._muted or self._paused() or not self._waiting:
            return None
        return max(self._waiting.values())

    def _update(self) -> None:
        wanted = self._wanted()
        if wanted != self._sounding:
            self._sounding = wanted
            self._repeat.stop()
            if wanted is not None:
                self._play_burst()  # the output stops the burst it was playing
            elif self._output is not None:
                self._output.stop()
        self._watch_pause_end()

    def _watch_pause_end(self) -> None:
        """Sound again when the pause ends, if an alarm still needs attention."""
        if self._paused() and not self._muted:
            remaining_ms = (self._paused_until - self._clock()) * 1000
            self._pause_end.start(max(1, round(remaining_ms)) + 5)
        else:
            self._pause_end.stop()

    def _between_bursts(self) -> bool:
        pattern = self._patterns[self._sounding]
        return self._clock() - self._burst_started >= pattern.duration_s

    def _play_burst(self) -> None:
        if self._sounding is None:
            return
        if self._output is not None:
            self._output.play(self._sounding)
        self._burst_started = self._clock()
        self.bursts_played += 1
        self.burst_played.emit(self._sounding)
        self._repeat.start(round(self._patterns[self._sounding].period_s * 1000))
