"""The alarm banner: the most urgent alarm first, its colour and flashing, acknowledge and select."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from stores.model import Alarm, AlarmKind, Priority, Vital
from widgets import palette
from widgets.alarm_banner import ACKNOWLEDGE_GUARD_S, NO_ALARMS, AlarmBanner, flash_interval_ms
from widgets.vital_text import bed_label_from_id

T0 = datetime(2026, 3, 4, 14, 3, 7).timestamp()


def alarm(alarm_id: str, priority: Priority, condition: str, raised_at: float = T0, **extra) -> Alarm:
    fields = dict(bed_id="north-1-07", patient_id="p-jane", patient_name="Jane Doe")
    fields.update(extra)
    fields.update(priority=priority, condition=condition, raised_at=raised_at)
    return Alarm(alarm_id, "north", "north-1", **fields)


SPO2_LOW = alarm("a-high", Priority.HIGH, "SpO\u2082 low", vital=Vital.SPO2, value=84.0)
RR_LOW = alarm("a-low", Priority.LOW, "RR low", raised_at=T0 - 60, bed_id="north-1-02", patient_name="Li Wei")
NIBP_HIGH = alarm("a-medium", Priority.MEDIUM, "NIBP sys high", raised_at=T0 - 120)


@pytest.fixture
def now():
    return [T0 + 5]


@pytest.fixture
def banner(qtbot, now):
    banner = AlarmBanner(clock=lambda: now[0])
    qtbot.addWidget(banner)
    return banner


def test_no_alarms_is_a_calm_neutral_bar(banner):
    banner.show_alarms([])
    assert banner.text.text() == NO_ALARMS
    assert not banner.acknowledge.isVisibleTo(banner) and not banner.more.isVisibleTo(banner)
    assert palette.PANEL in banner.styleSheet()


def test_shows_the_highest_priority_whatever_the_order(banner):
    banner.show_alarms([RR_LOW, NIBP_HIGH, SPO2_LOW])
    assert banner.shown_alarm() == SPO2_LOW
    expected = ["*** HIGH", "Bed 7", "Jane Doe", "SpO\u2082 low 84 %", "14:03:07"]
    assert banner.text.text() == " \u00b7 ".join(expected)


def test_counts_the_others_and_lists_them_in_the_tooltip(banner):
    banner.show_alarms([RR_LOW, SPO2_LOW, NIBP_HIGH])
    assert banner.more.text() == "+2 more"
    lines = banner.more.toolTip().splitlines()
    assert lines[0].startswith("** MEDIUM \u00b7 Bed 7")
    assert lines[1].startswith("* LOW \u00b7 Bed 2 \u00b7 Li Wei")


def test_banner_takes_the_alarm_colour_with_readable_text(banner):
    banner.show_alarms([NIBP_HIGH])
    sheet = banner.styleSheet()
    assert palette.ALARM_COLOURS[Priority.MEDIUM] in sheet
    assert palette.ALARM_TEXT_COLOURS[Priority.MEDIUM] in sheet


def test_acknowledged_alarms_are_not_shown(banner):
    banner.show_alarms([SPO2_LOW.acknowledge("nurse", T0 + 1)])
    assert banner.text.text() == NO_ALARMS


def test_acknowledge_emits_the_shown_alarm_id(qtbot, banner, now):
    banner.show_alarms([NIBP_HIGH, SPO2_LOW])
    now[0] += ACKNOWLEDGE_GUARD_S
    with qtbot.waitSignal(banner.acknowledge_requested) as blocker:
        qtbot.mouseClick(banner.acknowledge, Qt.MouseButton.LeftButton)
    assert blocker.args == ["a-high"]


def test_acknowledge_ignores_a_click_in_the_second_after_a_new_top_alarm(qtbot, banner, now):
    banner.show_alarms([NIBP_HIGH])
    now[0] += 5
    banner.show_alarms([NIBP_HIGH, SPO2_LOW])  # SpO2 low takes the top just as the nurse clicks
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


def test_technical_alarm_without_patient_is_shown_but_selects_nobody(qtbot, banner):
    lost = alarm(
        "a-tech", Priority.MEDIUM, "Alarm channel lost", kind=AlarmKind.TECHNICAL,
        bed_id="", patient_id=None, patient_name="",
    )
    banner.show_alarms([lost])
    assert banner.text.text() == "** MEDIUM \u00b7 Alarm channel lost \u00b7 14:03:07"
    with qtbot.assertNotEmitted(banner.patient_selected):
        qtbot.mouseClick(banner.text, Qt.MouseButton.LeftButton)


def test_flash_rates_follow_iec_60601_1_8():
    assert flash_interval_ms(Priority.HIGH) == 250  # 2 Hz
    assert flash_interval_ms(Priority.MEDIUM) == 833  # 0.6 Hz
    assert flash_interval_ms(Priority.LOW) == 0  # steady


def test_high_priority_flashes_to_a_dark_variant(qtbot, banner):
    banner.show_alarms([SPO2_LOW])
    assert banner.is_bright()
    qtbot.waitUntil(lambda: not banner.is_bright(), timeout=600)
    assert palette.ALARM_COLOURS[Priority.HIGH] not in banner.styleSheet()
    qtbot.waitUntil(banner.is_bright, timeout=600)


def test_low_priority_is_steady(qtbot, banner):
    banner.show_alarms([RR_LOW])
    qtbot.wait(300)
    assert banner.is_bright() and palette.ALARM_COLOURS[Priority.LOW] in banner.styleSheet()


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
