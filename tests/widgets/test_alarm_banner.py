"""The alarm banner: every open alarm by priority then age, colours and flashing, states, audio."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from stores.model import Alarm, AlarmKind, Priority, Vital
from tests.widgets.qt_timers import fire_every_timer
from widgets import palette
from widgets.alarm_banner.banner import (
    ACKNOWLEDGE_GUARD_S,
    NO_ALARMS,
    AlarmBanner,
    flash_interval_ms,
)
from widgets.alarm_banner.rows import MAX_ROWS
from widgets.alarm_banner.text import calm_variant, dark_variant
from widgets.vital_text import bed_label_from_id

T0 = datetime(2026, 3, 4, 14, 3, 7).timestamp()
ACKED_AT = datetime(2026, 3, 4, 14, 3, 30).timestamp()


def alarm(alarm_id: str, priority: Priority, condition: str, raised_at: float = T0, **extra) -> Alarm:
    fields = dict(bed_id="north-1-07", patient_id="p-jane", patient_name="Jane Doe")
    fields.update(extra)
    fields.update(priority=priority, condition=condition, raised_at=raised_at)
    ward = fields.pop("ward", "north-1")
    return Alarm(alarm_id, "north", ward, **fields)


SPO2_LOW = alarm("a-high", Priority.HIGH, "SpO\u2082 low", vital=Vital.SPO2, value=84.0)
RR_LOW = alarm("a-low", Priority.LOW, "RR low", raised_at=T0 - 60, bed_id="north-1-02",
               patient_id="p-li", patient_name="Li Wei")
NIBP_HIGH = alarm("a-medium", Priority.MEDIUM, "NIBP sys high", raised_at=T0 - 120)
CHANNEL_LOST = alarm("a-tech", Priority.MEDIUM, "Alarm channel lost", kind=AlarmKind.TECHNICAL,
                     bed_id="", patient_id=None, patient_name="")
HR_LOW = alarm("a-hr", Priority.HIGH, "HR low", raised_at=T0 - 30, bed_id="north-1-09",
               patient_id="p-tom", patient_name="Tom Baker")


@pytest.fixture
def now():
    return [T0 + 5]


@pytest.fixture
def banner(qtbot, now):
    banner = AlarmBanner(clock=lambda: now[0])
    qtbot.addWidget(banner)
    banner.resize(1900, 60)
    banner.show()
    return banner


def top_colour(banner: AlarmBanner) -> str:
    """The colour the nurse sees behind the top alarm (inside its border, above the text)."""
    return banner.top.grab().toImage().pixelColor(8, 3).name()


def chip_colour(banner: AlarmBanner, row: int) -> str:
    chip = banner.list.rows[row].chip
    return chip.grab().toImage().pixelColor(chip.width() // 2, 2).name()


def row_texts(banner: AlarmBanner) -> list[str]:
    return [row.text() for row in banner.list.shown_rows()]


def test_no_alarms_is_a_calm_neutral_bar(banner):
    banner.show_alarms([])
    assert banner.text.text() == NO_ALARMS
    for widget in (banner.acknowledge, banner.pause_audio, banner.more, banner.list, banner.audio):
        assert not widget.isVisibleTo(banner)
    assert top_colour(banner) == palette.PANEL
    assert banner.shown_alarm_ids() == []


def test_shows_the_highest_priority_whatever_the_order(banner):
    banner.show_alarms([RR_LOW, NIBP_HIGH, SPO2_LOW])
    assert banner.shown_alarm() == SPO2_LOW
    expected = ["*** HIGH", "Bed 7", "Jane Doe", "SpO\u2082 low 84 %", "14:03:07"]
    assert banner.text.text() == " \u00b7 ".join(expected)


def test_lists_the_other_open_alarms_by_priority_then_age(banner):
    banner.show_alarms([RR_LOW, SPO2_LOW, NIBP_HIGH, HR_LOW])
    assert banner.shown_alarm_ids() == ["a-hr", "a-high", "a-medium", "a-low"]
    assert row_texts(banner) == [
        "*** HIGH \u00b7 Bed 7 \u00b7 Jane Doe \u00b7 SpO\u2082 low 84 % \u00b7 14:03:07",
        "** MEDIUM \u00b7 Bed 7 \u00b7 Jane Doe \u00b7 NIBP sys high \u00b7 14:01:07",
        "* LOW \u00b7 Bed 2 \u00b7 Li Wei \u00b7 RR low \u00b7 14:02:07",
    ]
    assert not banner.more.isVisibleTo(banner)


def test_a_few_rows_then_a_count_keep_the_banner_low(banner):
    many = [alarm(f"a-{i}", Priority.LOW, "Temp high", raised_at=T0 - i, bed_id=f"north-1-{i}")
            for i in range(1, 12)]
    banner.show_alarms([SPO2_LOW, *many])
    assert len(banner.list.shown_rows()) == MAX_ROWS
    assert banner.more.text() == f"+{len(many) - MAX_ROWS} more: 8 * LOW needing attention"
    assert banner.shown_alarm_ids() == ["a-high", "a-11", "a-10", "a-9"]
    hidden = banner.more.toolTip().splitlines()
    assert len(hidden) == len(many) - MAX_ROWS
    assert hidden[0] == "* LOW \u00b7 Bed 8 \u00b7 Jane Doe \u00b7 Temp high \u00b7 14:02:59"
    assert banner.sizeHint().height() <= 160  # room for the beds on a 1080-line screen


def test_the_top_takes_the_alarm_colour_with_readable_text(banner):
    banner.show_alarms([NIBP_HIGH])
    assert top_colour(banner) == palette.ALARM_COLOURS[Priority.MEDIUM]
    assert palette.ALARM_TEXT_COLOURS[Priority.MEDIUM] in banner.top.styleSheet()


def test_each_row_says_its_priority_in_colour_and_words(banner):
    banner.show_alarms([SPO2_LOW, NIBP_HIGH, RR_LOW])
    assert [row.chip.text() for row in banner.list.shown_rows()] == ["** MEDIUM", "* LOW"]
    assert chip_colour(banner, 1) == palette.ALARM_COLOURS[Priority.LOW]


def test_an_acknowledged_alarm_stays_listed_steady_and_calm_with_who_and_when(qtbot, banner):
    acked = NIBP_HIGH.acknowledge("nurse.jones", ACKED_AT)
    banner.show_alarms([acked, RR_LOW])
    # the unacknowledged low alarm is on top: Acknowledge acts on an alarm that needs it
    assert banner.shown_alarm_ids() == ["a-low", "a-medium"]
    assert row_texts(banner)[0].endswith("14:01:07 \u00b7 ACK nurse.jones 14:03")
    assert chip_colour(banner, 0) == calm_variant(palette.ALARM_COLOURS[Priority.MEDIUM])
    banner.show_alarms([acked])
    assert banner.state.text() == "ACK nurse.jones 14:03"
    assert not banner.acknowledge.isVisibleTo(banner) and not banner.pause_audio.isVisibleTo(banner)
    fire_every_timer(banner)  # a flash's interval passes: it does not flash
    assert banner.is_bright()
    assert top_colour(banner) == calm_variant(palette.ALARM_COLOURS[Priority.MEDIUM])


def test_a_latched_high_alarm_stays_until_acknowledged(banner):
    latched = SPO2_LOW.clear(T0 + 2)
    banner.show_alarms([latched])
    assert banner.state.text() == "latched"
    assert banner.acknowledge.isVisibleTo(banner)
    assert top_colour(banner) == palette.ALARM_COLOURS[Priority.HIGH]


def test_a_cleared_alarm_that_does_not_latch_is_gone(banner):
    banner.show_alarms([NIBP_HIGH.clear(T0)])
    assert banner.text.text() == NO_ALARMS


def test_technical_alarm_without_patient_is_shown_but_selects_nobody(qtbot, banner):
    banner.show_alarms([CHANNEL_LOST])
    assert banner.text.text() == "** MEDIUM \u00b7 Alarm channel lost \u00b7 14:03:07"
    assert banner.state.text() == "TECHNICAL"
    with qtbot.assertNotEmitted(banner.patient_selected):
        qtbot.mouseClick(banner.text, Qt.MouseButton.LeftButton)


def test_technical_row_is_marked_and_selects_nobody(qtbot, banner):
    banner.show_alarms([SPO2_LOW, CHANNEL_LOST])
    row = banner.list.shown_rows()[0]
    assert row.text() == "** MEDIUM \u00b7 Alarm channel lost \u00b7 14:03:07 \u00b7 TECHNICAL"
    with qtbot.assertNotEmitted(banner.patient_selected):
        qtbot.mouseClick(row, Qt.MouseButton.LeftButton)


def test_escalations_are_shown_with_their_alarm(banner):
    banner.show_alarms([SPO2_LOW, HR_LOW])
    banner.set_escalations({"a-hr": "escalated to Nurse Ann Lee", "a-high": "escalated to Dr Shah"})
    assert banner.state.text() == "escalated to Nurse Ann Lee"
    assert row_texts(banner)[0].endswith("\u00b7 escalated to Dr Shah")
    banner.set_escalations({})
    assert banner.state.text() == "" and not banner.state.isVisibleTo(banner)


def test_acknowledge_emits_the_shown_alarm_id(qtbot, banner, now):
    banner.show_alarms([NIBP_HIGH, SPO2_LOW])
    now[0] += ACKNOWLEDGE_GUARD_S
    with qtbot.waitSignal(banner.acknowledge_requested) as blocker:
        qtbot.mouseClick(banner.acknowledge, Qt.MouseButton.LeftButton)
    assert blocker.args == ["a-high"]


def test_acknowledge_ignores_a_click_in_the_second_after_a_new_top_alarm(qtbot, banner, now):
    banner.show_alarms([NIBP_HIGH])
    now[0] += 5
    assert banner.acknowledgeable()
    banner.show_alarms([NIBP_HIGH, SPO2_LOW])  # SpO2 low takes the top just as the nurse clicks
    assert not banner.acknowledgeable()
    with qtbot.assertNotEmitted(banner.acknowledge_requested):
        qtbot.mouseClick(banner.acknowledge, Qt.MouseButton.LeftButton)
    now[0] += 0.9
    banner.show_alarms([SPO2_LOW, NIBP_HIGH])  # the same top alarm again does not restart the wait
    with qtbot.assertNotEmitted(banner.acknowledge_requested):
        qtbot.mouseClick(banner.acknowledge, Qt.MouseButton.LeftButton)
    now[0] += 0.1
    with qtbot.waitSignal(banner.acknowledge_requested) as blocker:
        qtbot.mouseClick(banner.acknowledge, Qt.MouseButton.LeftButton)
    assert blocker.args == ["a-high"]


def test_clicking_the_text_selects_the_alarm_patient(qtbot, banner):
    banner.show_alarms([SPO2_LOW])
    with qtbot.waitSignal(banner.patient_selected) as blocker:
        qtbot.mouseClick(banner.text, Qt.MouseButton.LeftButton)
    assert blocker.args == ["p-jane"]


def test_clicking_a_row_selects_its_patient(qtbot, banner):
    banner.show_alarms([SPO2_LOW, NIBP_HIGH, RR_LOW])
    with qtbot.waitSignal(banner.patient_selected) as blocker:
        qtbot.mouseClick(banner.list.shown_rows()[1], Qt.MouseButton.LeftButton)
    assert blocker.args == ["p-li"]


def test_flash_rates_follow_iec_60601_1_8():
    assert flash_interval_ms(Priority.HIGH) == 250  # 2 Hz
    assert flash_interval_ms(Priority.MEDIUM) == 833  # 0.6 Hz
    assert flash_interval_ms(Priority.LOW) == 0  # steady
    assert 1.4 <= palette.ALARM_FLASH_HZ[Priority.HIGH] <= 2.8
    assert 0.4 <= palette.ALARM_FLASH_HZ[Priority.MEDIUM] <= 0.8


def test_high_priority_flashes_to_a_dark_variant(qtbot, banner):
    banner.show_alarms([SPO2_LOW])
    assert banner.is_bright()
    qtbot.waitUntil(lambda: not banner.is_bright(), timeout=600)
    assert top_colour(banner) == dark_variant(palette.ALARM_COLOURS[Priority.HIGH])
    qtbot.waitUntil(banner.is_bright, timeout=600)
    assert top_colour(banner) == palette.ALARM_COLOURS[Priority.HIGH]


def test_a_row_needing_attention_flashes_its_chip(qtbot, banner):
    banner.show_alarms([SPO2_LOW, HR_LOW])
    red, dark = palette.ALARM_COLOURS[Priority.HIGH], dark_variant(palette.ALARM_COLOURS[Priority.HIGH])
    assert chip_colour(banner, 0) == red
    qtbot.waitUntil(lambda: chip_colour(banner, 0) == dark, timeout=600)
    qtbot.waitUntil(lambda: chip_colour(banner, 0) == red, timeout=600)


def test_low_priority_is_steady(qtbot, banner):
    banner.show_alarms([RR_LOW])
    fire_every_timer(banner)  # a flash's interval passes: it does not flash
    assert banner.is_bright() and top_colour(banner) == palette.ALARM_COLOURS[Priority.LOW]


def test_audio_paused_counts_down_on_screen(qtbot, banner, now):
    banner.show_alarms([SPO2_LOW])
    banner.set_audio_state(now[0] + 102, False)
    assert banner.audio.isVisibleTo(banner) and banner.audio.text() == "Audio paused 1:42"
    now[0] += 60
    qtbot.waitUntil(lambda: banner.audio.text() == "Audio paused 0:42", timeout=1500)
    now[0] += 42
    qtbot.waitUntil(lambda: not banner.audio.isVisibleTo(banner), timeout=1500)


def test_muted_audio_is_always_said_on_screen(banner, now):
    banner.set_audio_state(None, True)
    assert banner.audio.isVisibleTo(banner) and banner.audio.text() == "Audio muted (training)"
    banner.show_alarms([SPO2_LOW])
    banner.set_audio_state(now[0] + 100, True)
    assert banner.audio.text() == "Audio muted (training)"
    assert not banner.pause_audio.isEnabled()
    banner.set_audio_state(None, False)
    assert not banner.audio.isVisibleTo(banner) and banner.pause_audio.isEnabled()


def test_pause_audio_asks_for_a_pause_while_an_alarm_needs_attention(qtbot, banner):
    banner.show_alarms([SPO2_LOW])
    assert banner.pause_audio.isVisibleTo(banner)
    with qtbot.waitSignal(banner.audio_pause_requested):
        qtbot.mouseClick(banner.pause_audio, Qt.MouseButton.LeftButton)
    banner.show_alarms([SPO2_LOW.acknowledge("nurse.jones", ACKED_AT)])
    assert not banner.pause_audio.isVisibleTo(banner)


def test_painted_follows_a_new_alarm(qtbot, banner):
    with qtbot.waitSignal(banner.painted, timeout=1000):
        banner.show_alarms([SPO2_LOW])


def test_a_day_old_alarm_shows_its_day(qtbot):
    old = AlarmBanner(clock=lambda: T0 + 86_400)
    qtbot.addWidget(old)
    old.show_alarms([SPO2_LOW])
    day = datetime.fromtimestamp(T0).strftime("%a %d %b")  # in the machine's language
    assert f"{day} 14:03:07" in old.text.text()


@pytest.mark.parametrize(
    ("bed_id", "label"), [("north-1-07", "Bed 7"), ("south-2-12", "Bed 12"), ("icu3", "Bed 3"), ("", "")]
)
def test_bed_label_is_the_bed_ids_trailing_number(bed_id, label):
    assert bed_label_from_id(bed_id) == label


def test_an_urgent_alarm_out_of_sight_is_announced_in_words(banner):
    older_highs = [alarm(f"h-{i}", Priority.HIGH, "SpO\u2082 low", raised_at=T0 - 100 - i,
                         bed_id=f"north-1-{i}") for i in range(1, 5)]
    newest = alarm("h-new", Priority.HIGH, "HR extreme high", raised_at=T0, bed_id="north-1-09")
    calm = alarm("m-ack", Priority.MEDIUM, "HR high", raised_at=T0 - 5).acknowledge("kim", T0)
    banner.show_alarms([*older_highs, newest, calm])
    assert "h-new" not in banner.shown_alarm_ids()
    assert banner.more.text() == "+2 more: 1 *** HIGH needing attention"


def test_one_alarm_that_cannot_be_shown_blanks_neither_the_banner_nor_the_other_rows(banner):
    # a record no check foresaw (a bug in a local technical alarm, say): NaN times and value
    broken = alarm("a-broken", Priority.MEDIUM, "SpO\u2082 low", raised_at=T0 - 200,
                   vital=Vital.SPO2, value=float("nan"), acknowledged_by="nurse.kim",
                   acknowledged_at=float("nan"))

    banner.show_alarms([broken, SPO2_LOW, RR_LOW, NIBP_HIGH])

    assert "SpO\u2082 low" in banner.text.text()
    texts = row_texts(banner)
    assert len(texts) == 3 and any("cannot be shown in full" in text for text in texts)
    assert any("RR low" in text for text in texts) and any("NIBP" in text for text in texts)


def test_a_station_of_two_wards_names_each_alarms_ward(banner):
    """Each ward has a Bed 7: on a station showing two, every line says which."""
    other = alarm("a-there", Priority.MEDIUM, "HR high", ward="north-2", bed_id="north-2-07",
                  patient_id="p-sam", patient_name="Sam Roe")
    hidden = [alarm(f"a-{n}", Priority.LOW, "RR low", raised_at=T0 - n, ward="north-2",
                    bed_id="north-2-03") for n in range(1, MAX_ROWS + 1)]
    banner.show_alarms([SPO2_LOW, other, CHANNEL_LOST, *hidden])
    assert "\u00b7 Bed 7 \u00b7" in banner.text.text()
    banner.set_ward_named(True)
    assert "\u00b7 north-1 Bed 7 \u00b7 Jane Doe" in banner.text.text()
    rows = {row.alarm.id: row.text() for row in banner.list.shown_rows()}
    assert "north-2 Bed 7 \u00b7 Sam Roe" in rows[other.id]
    assert "north-1" not in rows[CHANNEL_LOST.id]  # of no bed: no ward either
    assert "north-2 Bed 3" in banner.more.toolTip()
