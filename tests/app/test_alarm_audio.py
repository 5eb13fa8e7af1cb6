"""The station's alarm audio state: a two-minute pause that a new alarm breaks, and a mute."""

from __future__ import annotations

import time

from app.feeds.alarm_audio import AlarmAudio
from stores.model import Alarm, Priority

T0 = time.time()


def alarm(alarm_id: str) -> Alarm:
    return Alarm(alarm_id, "north", "north-1", "north-1-01", "p1", "Ada Okafor", Priority.HIGH,
                 "SpO2 low", raised_at=T0)


def test_a_pause_lasts_its_time_then_the_audio_is_back(qtbot):
    audio = AlarmAudio(pause_s=0.2)
    states = []
    audio.state_changed.connect(lambda until, muted: states.append((until, muted)))
    audio.show_alarms([alarm("a1")])
    before = time.time()
    audio.pause()
    assert states[-1][0] >= before + 0.2 and states[-1][1] is False
    qtbot.waitUntil(lambda: states[-1][0] is None, timeout=2000)


def test_a_new_alarm_during_the_pause_ends_it(qtbot):
    audio = AlarmAudio(pause_s=120)
    audio.show_alarms([alarm("a1")])
    audio.pause()
    audio.show_alarms([alarm("a1")])  # the same alarms: still paused
    assert audio.paused_until is not None
    with qtbot.waitSignal(audio.state_changed) as ended:
        audio.show_alarms([alarm("a1"), alarm("a2")])
    assert ended.args == [None, False]


def test_the_mute_is_announced(qtbot):
    audio = AlarmAudio(muted=True)
    with qtbot.waitSignal(audio.state_changed) as said:
        audio.announce()
    assert said.args == [None, True]


def test_a_technical_alarm_that_comes_back_breaks_the_pause(qtbot):
    audio = AlarmAudio(pause_s=120)
    lost = alarm("technical:alarm-channel-lost")
    audio.show_alarms([lost])
    audio.pause()
    audio.show_alarms([])  # the channel is back
    assert audio.paused_until is not None
    again = Alarm(lost.id, "north", "north-1", "", None, "", Priority.HIGH, "lost again",
                  raised_at=lost.raised_at + 30)
    with qtbot.waitSignal(audio.state_changed) as ended:
        audio.show_alarms([again])
    assert ended.args == [None, False]
