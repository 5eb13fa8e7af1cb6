"""The alarm sound's output: the burst stream the audio thread plays, miniaudio's devices, and
a machine without an audio output (this one and CI have no sound card)."""

from __future__ import annotations

import ctypes
import logging
import os
import subprocess
import sys
import textwrap

import miniaudio
import pytest

import widgets.alarm_sound_output as output_module
from stores.model import Priority
from widgets.alarm_sound import AlarmSound
from widgets.alarm_sound_output import BurstStream, MiniaudioBurstOutput, open_burst_output
from widgets.alarm_tones import SAMPLE_RATE, burst_pcm

BURSTS = {Priority.HIGH: b"\x01\x00" * 5, Priority.MEDIUM: b"\x02\x00" * 3, Priority.LOW: b"\x03\x00"}


@pytest.fixture
def stream():
    return BurstStream(BURSTS)


@pytest.fixture
def frames(stream):
    generator = stream.frames()
    next(generator)
    return generator


def test_silence_until_a_burst_is_asked_for_then_the_whole_burst_then_silence(stream, frames):
    assert frames.send(2) == bytes(4)
    stream.play(Priority.MEDIUM)
    assert frames.send(2) + frames.send(2) + frames.send(2) == b"\x02\x00" * 3 + bytes(6)
    assert stream.burst_frames_sent == 3


def test_a_new_burst_starts_from_its_beginning_and_the_newest_request_wins(stream, frames):
    stream.play(Priority.HIGH)
    assert frames.send(2) == b"\x01\x00" * 2
    stream.play(Priority.LOW)
    stream.play(Priority.MEDIUM)
    assert frames.send(4) == b"\x02\x00" * 3 + bytes(2)


def test_stop_silences_the_burst_at_the_next_request(stream, frames):
    stream.play(Priority.HIGH)
    assert frames.send(1) == b"\x01\x00"
    stream.stop()
    assert frames.send(3) == bytes(6) and stream.burst_frames_sent == 1


def test_a_burst_reaches_a_running_device_through_its_audio_thread(qtbot):
    # miniaudio's null device runs a real audio thread at the device's pace, heard by nobody
    device = miniaudio.PlaybackDevice(output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                                      sample_rate=SAMPLE_RATE, buffersize_msec=20,
                                      backends=[miniaudio.Backend.NULL])
    output = MiniaudioBurstOutput(device, BurstStream(burst_pcm()))
    output.play(Priority.LOW)
    frames = len(burst_pcm()[Priority.LOW]) // 2
    qtbot.waitUntil(lambda: output.stream.burst_frames_sent == frames, timeout=5000)


def test_miniaudios_null_device_is_not_an_audio_output(monkeypatch, caplog):
    monkeypatch.setattr(output_module, "real_backends", lambda ma: [ma.Backend.NULL])
    with caplog.at_level(logging.INFO, logger=output_module.__name__):
        assert open_burst_output(None) is None
    assert "No audio output device (only miniaudio's null device)" in caplog.text


def test_the_null_backend_is_never_tried_on_a_real_machine():
    backends = output_module.real_backends(miniaudio)
    assert miniaudio.Backend.NULL not in backends and backends  # the check can fail: some remain


def test_without_miniaudio_the_alarms_are_shown_not_sounded(qtbot, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "miniaudio", None)  # `import miniaudio` raises ImportError
    with caplog.at_level(logging.INFO, logger=output_module.__name__):
        sound = AlarmSound()
    assert not sound.has_output and "No miniaudio" in caplog.text


def test_this_machines_output_opens_or_it_says_it_has_none_quietly(caplog, capfd):
    """A machine without a sound card (this one, CI) takes the first branch, for real."""
    with caplog.at_level(logging.INFO, logger=output_module.__name__):
        output = open_burst_output(None)
    if output is None:
        assert "No audio output device" in caplog.text
        # libasound's complaints about the missing card went to the log, not to stderr
        assert "ALSA lib" not in capfd.readouterr().err
    else:  # a desk: nothing is played, the device only runs
        assert output.backend != "Null" and "Alarm sounds play through" in caplog.text


def has_alsa() -> bool:
    try:
        ctypes.CDLL("libasound.so.2")
    except OSError:
        return False
    return True


# Played in a process of its own: ALSA reads its configuration once per process.
PLAY_THROUGH_ALSA = textwrap.dedent("""
    import time
    import widgets.alarm_sound_output as output_module
    from stores.model import Priority
    from widgets.alarm_tones import burst_pcm
    frames = len(burst_pcm()[Priority.LOW]) // 2
    output_module.real_backends = lambda ma: [ma.Backend.ALSA]  # not a desk's PulseAudio
    output = output_module.open_burst_output(None)
    print(output.backend)
    output.play(Priority.LOW)
    deadline = time.monotonic() + 10
    while output.stream.burst_frames_sent < frames and time.monotonic() < deadline:
        time.sleep(0.01)
    print(output.stream.burst_frames_sent)
""")


@pytest.mark.skipif(not has_alsa(), reason="needs ALSA's library (Linux)")
def test_an_output_that_opens_plays_the_burst_through_the_sound_system(tmp_path):
    """A machine with sound, for real through ALSA, whose default device the user's own
    ~/.asoundrc makes one that discards what it is given: nothing is heard."""
    (tmp_path / ".asoundrc").write_text("pcm.!default { type null }\n")
    result = subprocess.run([sys.executable, "-c", PLAY_THROUGH_ALSA], capture_output=True,
                            text=True, timeout=60, env=dict(os.environ, HOME=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ALSA", str(len(burst_pcm()[Priority.LOW]) // 2)]
