"""Plays the alarm bursts through Qt Multimedia, on machines that have an audio output."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QMessageLogContext, QObject, QtMsgType, QUrl, qInstallMessageHandler

from stores.model import Priority
from widgets.alarm_tones import burst_files

log = logging.getLogger(__name__)


class BurstOutput(Protocol):
    """Something that sounds one burst at a time."""

    def play(self, priority: Priority) -> None: ...

    def stop(self) -> None: ...


class QtBurstOutput:
    """A QSoundEffect per priority, loaded once; playing one stops the others."""

    def __init__(self, files: dict[Priority, Path], device: object, parent: QObject) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        self._effects = {}
        for priority, path in files.items():
            effect = QSoundEffect(device, parent)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            self._effects[priority] = effect

    def play(self, priority: Priority) -> None:
        self.stop()
        self._effects[priority].play()

    def stop(self) -> None:
        for effect in self._effects.values():
            if effect.isPlaying():
                effect.stop()


def open_burst_output(parent: QObject) -> QtBurstOutput | None:
    """The machine's default audio output, or None when there is none (a server, CI, offscreen).

    Qt Multimedia comes with the PySide6-Addons wheel and needs the system's sound library
    (libpulse on Linux); without either the station still shows every alarm, silently.
    """
    with _qt_messages_as_info():
        try:
            from PySide6.QtMultimedia import QMediaDevices
        except ImportError as error:
            log.info("No Qt Multimedia (%s): alarms are shown, not sounded", error)
            return None
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            log.info("No audio output device: alarms are shown, not sounded")
            return None
        return QtBurstOutput(burst_files(), device, parent)


@contextlib.contextmanager
def _qt_messages_as_info() -> Iterator[None]:
    """While Qt Multimedia starts, its reports of optional libraries it did not find (VA-API,
    PipeWire, a sound server) are information about the machine, not faults of the station."""

    def to_log(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        log.info("Qt Multimedia: %s", message)

    previous = qInstallMessageHandler(to_log)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
