"""Plays the alarm bursts through miniaudio, on machines that have an audio output."""

from __future__ import annotations

import ctypes
import functools
import logging
import queue
import sys
import weakref
from collections.abc import Generator
from types import ModuleType
from typing import Any, Protocol

from PySide6.QtCore import QObject

from stores.model import Priority
from widgets.alarm_tones import SAMPLE_RATE, burst_pcm

log = logging.getLogger(__name__)

# How much sound the audio thread asks for at a time: a burst starts, or stops, a few of these
# after it is asked for (what the device has buffered), and the UI thread never waits for it.
PERIOD_MS = 50
_SAMPLE_BYTES = 2  # 16-bit mono


class BurstOutput(Protocol):
    """Something that sounds one burst at a time."""

    def play(self, priority: Priority) -> None: ...

    def stop(self) -> None: ...


class BurstStream:
    """What the audio thread plays: the burst last asked for, from its start, then silence.

    `play` and `stop` (UI thread) only put a request in a queue; the audio thread takes the
    newest request each time it asks for samples."""

    def __init__(self, bursts: dict[Priority, bytes]) -> None:
        self._bursts = bursts
        self._requests: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self.burst_frames_sent = 0  # frames of bursts handed to the device, for the tests

    def play(self, priority: Priority) -> None:
        self._requests.put(self._bursts[priority])

    def stop(self) -> None:
        self._requests.put(b"")

    def frames(self) -> Generator[bytes, int, None]:
        """miniaudio's playback generator: sent a number of frames, yields that many."""
        playing, position = b"", 0
        wanted = yield b""
        while True:
            try:
                while True:  # a newer request replaces an older one not yet begun
                    playing, position = self._requests.get_nowait(), 0
            except queue.Empty:
                pass
            size = wanted * _SAMPLE_BYTES
            chunk = playing[position:position + size]
            position += len(chunk)
            self.burst_frames_sent += len(chunk) // _SAMPLE_BYTES
            wanted = yield chunk + bytes(size - len(chunk))


class MiniaudioBurstOutput:
    """A playback device that runs from the start, playing silence between bursts (starting
    and stopping a device can block for a while, and the UI thread must not)."""

    def __init__(self, device: Any, stream: BurstStream) -> None:
        self.backend: str = device.backend
        self.stream = stream
        generator = stream.frames()
        next(generator)  # miniaudio takes a generator that has started
        device.start(generator)
        # closed when the output goes, or at exit while the interpreter can still run callbacks
        weakref.finalize(self, device.close)

    def play(self, priority: Priority) -> None:
        self.stream.play(priority)

    def stop(self) -> None:
        self.stream.stop()


def open_burst_output(parent: QObject) -> MiniaudioBurstOutput | None:
    """The machine's default audio output, or None when there is none (a server, CI, a machine
    without a sound card): the station then still shows every alarm, and says they are silent.

    `parent` is the sound's QObject; the output's life is its own (see MiniaudioBurstOutput).
    """
    try:
        import miniaudio
    except ImportError as error:
        log.info("No miniaudio (%s): alarms are shown, not sounded", error)
        return None
    alsa_messages_to_log()
    try:
        device = miniaudio.PlaybackDevice(
            output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=SAMPLE_RATE,
            buffersize_msec=PERIOD_MS, backends=real_backends(miniaudio), app_name="Ward Station")
    except miniaudio.MiniaudioError as error:
        log.info("No audio output device (miniaudio: %s): alarms are shown, not sounded",
                 " ".join(map(str, error.args)))
        return None
    if device.backend == "Null":  # miniaudio's stand-in that plays nothing is no output
        device.close()
        log.info("No audio output device (only miniaudio's null device): alarms are shown, "
                 "not sounded")
        return None
    log.info("Alarm sounds play through %s", device.backend)
    return MiniaudioBurstOutput(device, BurstStream(burst_pcm()))


def real_backends(miniaudio: ModuleType) -> list[Any]:
    """The sound systems this build of miniaudio has, in its own order of preference, without
    the null backend: miniaudio would otherwise fall back on it and play into nothing."""
    stand_ins = {miniaudio.Backend.NULL, miniaudio.Backend.CUSTOM}
    return [backend for backend in miniaudio.Backend
            if backend not in stand_ins and miniaudio.is_backend_enabled(backend)]


# libasound's error handler: (file, line, function, error, printf format, ...); the arguments of
# the format are not read, so the message keeps its %s.
_ALSA_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_int, ctypes.c_char_p)


@functools.cache
def alsa_messages_to_log() -> object:
    """On a Linux machine without a sound card, libasound prints some forty lines to stderr
    while miniaudio looks for a device: information about the machine, not faults of the
    station, so they go to the log. Returns the handler, which must live as long as the process.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        libasound = ctypes.CDLL("libasound.so.2")
    except OSError:  # no ALSA: miniaudio will not load it either
        return None

    def to_log(file: bytes | None, line: int, function: bytes | None, error: int,
               text: bytes | None) -> None:
        log.debug("ALSA %s: %s", (function or b"").decode(errors="replace"),
                  (text or b"").decode(errors="replace"))

    handler = _ALSA_HANDLER(to_log)
    libasound.snd_lib_error_set_handler(handler)
    return handler
