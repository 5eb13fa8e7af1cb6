"""The audible alarm: IEC 60601-1-8 bursts, the highest unacknowledged priority, pause and mute."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from stores.model import Alarm, Priority
from widgets.alarm_sound import AlarmSound
from widgets.alarm_tones import (
    FUNDAMENTAL_HZ,
    PATTERNS,
    SAMPLE_RATE,
    BurstPattern,
    burst_pcm,
    burst_samples,
)

T0 = datetime(2026, 3, 4, 14, 3, 7).timestamp()


def alarm(alarm_id: str, priority: Priority, raised_at: float = T0) -> Alarm:
    return Alarm(alarm_id, "north", "north-1", "north-1-07", "p-jane", "Jane Doe", priority,
                 "SpO\u2082 low", raised_at)


HIGH, MEDIUM, LOW = alarm("h", Priority.HIGH), alarm("m", Priority.MEDIUM), alarm("l", Priority.LOW)
# the same bursts played fast, so that a test sees them repeat
QUICK = {p: BurstPattern(0.01, pattern.spacings_s[:1], 0.08) for p, pattern in PATTERNS.items()}


class FakeOutput:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def play(self, priority: Priority) -> None:
        self.calls.append(f"play {priority.name}")

    def stop(self) -> None:
        self.calls.append("stop")


@pytest.fixture
def now():
    return [T0 + 5]


@pytest.fixture
def output():
    return FakeOutput()


@pytest.fixture
def sound(qtbot, now, output):
    return AlarmSound(clock=lambda: now[0], output_factory=lambda parent: output)


def pulse_count(samples: np.ndarray) -> int:
    """Runs of sound between silences, measured on the loudest sample of each 5 ms."""
    frame = int(0.005 * SAMPLE_RATE)
    frames = np.abs(samples[: len(samples) // frame * frame]).reshape(-1, frame).max(axis=1)
    loud = np.concatenate([[False], frames > 0.05])
    return int(np.count_nonzero(loud[1:] & ~loud[:-1]))


@pytest.mark.parametrize(("priority", "pulses"), [(Priority.HIGH, 10), (Priority.MEDIUM, 3),
                                                  (Priority.LOW, 1)])
def test_bursts_have_the_standards_number_of_pulses(priority, pulses):
    assert PATTERNS[priority].pulses == pulses
    assert pulse_count(burst_samples(PATTERNS[priority])) == pulses


def test_burst_timing_lies_in_the_standards_ranges():
    high, medium, low = PATTERNS[Priority.HIGH], PATTERNS[Priority.MEDIUM], PATTERNS[Priority.LOW]
    assert 0.075 <= high.pulse_s <= 0.200
    x = high.spacings_s[0]
    assert 0.050 <= x <= 0.125
    assert high.spacings_s == (x, x, 2 * x + high.pulse_s, x, high.spacings_s[4], x, x,
                               2 * x + high.pulse_s, x)  # 3 + 2, pause, 3 + 2
    assert 0.35 <= high.spacings_s[4] <= 1.30
    assert 2.5 <= high.interburst_s <= 15.0
    for pattern in (medium, low):
        assert 0.125 <= pattern.pulse_s <= 0.250
        assert all(0.125 <= spacing <= 0.250 for spacing in pattern.spacings_s)
    assert 2.5 <= medium.interburst_s <= 30.0
    assert low.interburst_s > 15.0


def test_bursts_are_made_once_as_16_bit_mono_pcm():
    bursts = burst_pcm()
    assert burst_pcm() is bursts
    for priority, pcm in bursts.items():
        samples = np.frombuffer(pcm, "<i2") / 32767
        assert len(samples) / SAMPLE_RATE == pytest.approx(PATTERNS[priority].duration_s, abs=0.002)
        assert pulse_count(samples) == PATTERNS[priority].pulses
        assert 0.5 < np.max(np.abs(samples)) < 1.0  # loud, not clipped


def test_a_pulse_has_four_harmonics_between_300_and_4000_hz_within_15_db():
    samples = burst_samples(PATTERNS[Priority.LOW])
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    frequencies = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)

    def level(hz: float) -> float:
        return spectrum[np.abs(frequencies - hz) < 15].max()

    assert 150 <= FUNDAMENTAL_HZ <= 1000
    harmonics = [n * FUNDAMENTAL_HZ for n in range(2, 8) if 300 <= n * FUNDAMENTAL_HZ <= 4000]
    strong = [hz for hz in harmonics if 20 * np.log10(level(hz) / level(FUNDAMENTAL_HZ)) >= -15]
    assert len(strong) >= 4


def test_sounds_the_highest_priority_needing_attention(qtbot, sound, output):
    with qtbot.waitSignal(sound.burst_played) as blocker:
        sound.show_alarms([LOW, HIGH, MEDIUM])
    assert blocker.args == [Priority.HIGH] and sound.sounding_priority is Priority.HIGH
    assert output.calls[-1] == "play HIGH"
    sound.show_alarms([LOW, HIGH.acknowledge("nurse.jones", T0 + 6), MEDIUM])
    assert sound.sounding_priority is Priority.MEDIUM
    assert output.calls == ["play HIGH", "play MEDIUM"]


def test_an_unchanged_list_keeps_the_burst_going(sound, output):
    sound.show_alarms([HIGH])
    sound.show_alarms([HIGH, LOW])
    assert output.calls == ["play HIGH"] and sound.bursts_played == 1


def test_stops_when_acknowledged_and_does_not_repeat(qtbot, now, output):
    sound = AlarmSound(clock=lambda: now[0], output_factory=lambda parent: output, patterns=QUICK)
    sound.show_alarms([HIGH])
    sound.show_alarms([HIGH.acknowledge("nurse.jones", T0 + 6)])
    assert sound.sounding_priority is None and output.calls == ["play HIGH", "stop"]
    with qtbot.assertNotEmitted(sound.burst_played, wait=300):
        pass


def test_a_latched_alarm_sounds_until_acknowledged(sound):
    sound.show_alarms([HIGH.clear(T0 + 2)])
    assert sound.sounding_priority is Priority.HIGH
    sound.show_alarms([MEDIUM.clear(T0 + 2)])  # a medium alarm does not latch: it is resolved
    assert sound.sounding_priority is None


def test_repeats_the_burst_after_the_interburst_interval(qtbot, now, output):
    sound = AlarmSound(clock=lambda: now[0], output_factory=lambda parent: output, patterns=QUICK)
    sound.show_alarms([MEDIUM])
    qtbot.waitUntil(lambda: sound.bursts_played >= 3, timeout=2000)
    assert output.calls[:3] == ["play MEDIUM"] * 3


def test_a_new_alarm_is_heard_at_once_between_bursts(sound, now, output):
    sound.show_alarms([LOW])
    now[0] += 1  # the low burst ended; the next would come 20 s later
    sound.show_alarms([LOW, alarm("l2", Priority.LOW)])
    assert output.calls == ["play LOW", "play LOW"]


def test_silent_while_paused_then_sounds_again_if_still_active(qtbot, sound, now, output):
    sound.show_alarms([HIGH])
    sound.set_audio_state(now[0] + 0.05, False)
    assert sound.sounding_priority is None and output.calls[-1] == "stop"
    now[0] += 0.1
    with qtbot.waitSignal(sound.burst_played, timeout=1000) as blocker:
        pass
    assert blocker.args == [Priority.HIGH] and output.calls[-1] == "play HIGH"


def test_an_alarm_acknowledged_during_the_pause_stays_silent(qtbot, sound, now):
    sound.show_alarms([HIGH])
    sound.set_audio_state(now[0] + 0.05, False)
    sound.show_alarms([HIGH.acknowledge("nurse.jones", T0 + 6)])
    now[0] += 0.1
    with qtbot.assertNotEmitted(sound.burst_played, wait=200):
        pass
    assert sound.sounding_priority is None


def test_silent_when_muted(qtbot, sound, output):
    sound.set_audio_state(None, True)
    with qtbot.assertNotEmitted(sound.burst_played):
        sound.show_alarms([HIGH, MEDIUM])
    assert sound.sounding_priority is None and output.calls == []
    with qtbot.waitSignal(sound.burst_played):
        sound.set_audio_state(None, False)
    assert sound.sounding_priority is Priority.HIGH


def test_without_an_audio_device_it_decides_but_plays_nothing(qtbot, now):
    sound = AlarmSound(clock=lambda: now[0], output_factory=lambda parent: None)
    assert not sound.has_output
    with qtbot.waitSignal(sound.burst_played) as blocker:
        sound.show_alarms([MEDIUM])
    assert blocker.args == [Priority.MEDIUM] and sound.sounding_priority is Priority.MEDIUM
