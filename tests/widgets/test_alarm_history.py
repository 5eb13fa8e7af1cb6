"""The alarm history view: the rows it shows, filtering without a reload, figures per shift."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from stores.model import Alarm, AlarmKind, Bed, Priority, ShiftFigures, Vital
from widgets import palette
from widgets.alarm_history.model import COLUMNS
from widgets.alarm_history.text import duration_text, resolved_at
from widgets.alarm_history.view import AlarmHistoryView

NOW = datetime(2026, 3, 10, 14, 0).timestamp()  # local time, so the clock texts are known
BEDS = [Bed(f"north-1-{n:02d}", "north", "north-1", f"Bed {n}", n) for n in (2, 1, 3)]


def alarm(alarm_id: str, minutes_ago: float, bed: int = 1, priority=Priority.MEDIUM,
          condition: str = "HR high", **fields) -> Alarm:
    return Alarm(alarm_id, "north", "north-1", f"north-1-{bed:02d}", f"p{bed}", f"Patient {bed}",
                 priority, condition, NOW - minutes_ago * 60, **fields)


ALARMS = [
    alarm("old", 50, bed=2, priority=Priority.LOW).clear(NOW - 40 * 60),
    alarm("spo2", 5, priority=Priority.HIGH, vital=Vital.SPO2, value=84.0, limit=90.0,
          condition="SpO\u2082 low").acknowledge("nurse.kim", NOW - 5 * 60 + 75),
    alarm("latched", 20, bed=3, priority=Priority.HIGH).clear(NOW - 19 * 60),
    Alarm("tech", "north", "north-1", "", None, "", Priority.LOW, "Analytics store down",
          NOW - 30 * 60, kind=AlarmKind.TECHNICAL),
]


@pytest.fixture
def view(qtbot):
    view = AlarmHistoryView(clock=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.set_beds(BEDS)
    return view


def rows(view: AlarmHistoryView, *columns: str) -> list[tuple[str, ...]]:
    table = view.table.model()
    picks = [COLUMNS.index(c) for c in columns]
    return [tuple(table.index(r, c).data() for c in picks) for r in range(table.rowCount())]


def test_rows_are_newest_first_with_what_a_nurse_reads(view):
    view.show_history(ALARMS)

    assert rows(view, "Raised", "Bed", "Patient", "Priority", "Kind") == [
        ("13:55:00", "Bed 1", "Patient 1", "*** High", "Patient"),
        ("13:40:00", "Bed 3", "Patient 3", "*** High", "Patient"),
        ("13:30:00", "Station", "\u2014", "* Low", "Technical"),
        ("13:10:00", "Bed 2", "Patient 2", "* Low", "Patient"),
    ]
    assert rows(view, "Condition", "Acknowledged", "Response", "Resolved")[0] == (
        "SpO\u2082 low 84 % (< 90)", "nurse.kim 13:56:15", "1 min 15 s", "Active")
    assert [r[0] for r in rows(view, "Resolved")[1:]] == ["Latched", "Active", "13:20:00"]
    assert view.count.text() == "4 alarms"


def test_the_priority_is_written_and_coloured(view):
    view.show_history(ALARMS)
    cell = view.table.model().index(0, COLUMNS.index("Priority"))

    assert cell.data() == "*** High"
    assert cell.data(Qt.ItemDataRole.BackgroundRole).name() == palette.ALARM_COLOURS[Priority.HIGH]


def test_filtering_by_bed_and_priority_needs_no_reload(view, qtbot):
    view.show_history(ALARMS)

    with qtbot.assertNotEmitted(view.range_changed):
        view.priority.setCurrentIndex(view.priority.findData(Priority.HIGH))
        assert [r[0] for r in rows(view, "Bed")] == ["Bed 1", "Bed 3"]
        view.bed.setCurrentIndex(view.bed.findData("north-1-03"))
        assert rows(view, "Bed", "Priority") == [("Bed 3", "*** High")]
    assert view.count.text() == "1 of 4 alarms"

    view.bed.setCurrentIndex(view.bed.findData("north-1-02"))
    assert rows(view, "Bed") == []
    assert not view.table.isVisibleTo(view)
    assert view.message.text() == "No high-priority alarms for Bed 2 in the last 8 h"


def test_the_bed_filter_lists_the_wards_beds_in_order_and_keeps_the_choice(view):
    view.bed.setCurrentIndex(view.bed.findData("north-1-03"))
    view.set_beds([*BEDS, Bed("north-1-04", "north", "north-1", "Bed 4 (side room)", 4)])

    assert [view.bed.itemText(i) for i in range(view.bed.count())] == [
        "All beds", "Bed 1", "Bed 2", "Bed 3", "Bed 4 (side room)"]
    assert view.bed.currentData() == "north-1-03"


def test_a_new_period_is_asked_of_the_feed(view, qtbot):
    view.show_history([])
    assert view.range_s() == 8 * 3600
    assert view.message.text() == "No alarms in the last 8 h"

    with qtbot.waitSignal(view.range_changed) as changed:
        view.period.setCurrentIndex(view.period.findData(7 * 86400.0))

    assert changed.args == [7 * 86400.0]
    assert view.message.text() == "No alarms in the last 7 days"


def test_a_loaded_history_replaces_the_previous_one(view):
    view.show_history(ALARMS)
    view.show_history(ALARMS[:1])

    assert rows(view, "Bed") == [("Bed 2",)]


def test_clicking_a_row_selects_its_patient(view, qtbot):
    view.show_history(ALARMS)
    view.show()
    table = view.table

    def click(row: int) -> None:
        rect = table.visualRect(table.model().index(row, 2))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    with qtbot.waitSignal(view.patient_selected) as selected:
        click(1)
    assert selected.args == ["p3"]
    with qtbot.assertNotEmitted(view.patient_selected):
        click(2)  # the station's own technical alarm has no patient


def test_the_view_says_when_it_is_shown_and_hidden(view, qtbot):
    with qtbot.waitSignal(view.shown_changed) as shown:
        view.show()
    assert shown.args == [True]
    with qtbot.waitSignal(view.shown_changed) as hidden:
        view.hide()
    assert hidden.args == [False]


def test_shift_figures_in_words(view):
    day = datetime(2026, 3, 10, 7).timestamp()
    night, before = day - 8 * 3600, day - 16 * 3600
    view.show_shifts([
        ShiftFigures("Day", day, day + 8 * 3600, 21, 84.0, 0.25, 18, 42.4),
        ShiftFigures("Night", night, day, 1, 0.0, None, 0, None),
        ShiftFigures("Evening", before, night, 0, 8.0, 0.0, 0, None),
    ])

    first, second, third = view.shifts.boxes
    assert (first.title.text(), first.burden.text(), first.response.text()) == (
        "This shift \u00b7 Day 07\u201315", "21 alarms \u00b7 0.25 per bed per hour",
        "18 acknowledged, on average in 42 s")
    assert second.title.text() == "Previous shift \u00b7 Night 23\u201307"
    assert third.title.text() == "Mon 09 Mar \u00b7 Evening 15\u201323"
    assert (second.burden.text(), second.response.text()) == (
        "1 alarm \u00b7 no bed monitored", "None acknowledged")
    assert "84 bed-hours" in first.toolTip()
    assert not view.shifts.message.isVisibleTo(view)


def test_shift_figures_unavailable_leave_the_history(view):
    view.show_history(ALARMS)
    view.show_shifts([ShiftFigures("Day", 0, 1, 0, 1.0, 0.0, 0, None)])
    view.show_shifts_unavailable("cannot reach c1:9042")

    assert view.shifts.message.text() == "Shift figures unavailable: cannot reach c1:9042"
    assert not any(box.isVisibleTo(view) for box in view.shifts.boxes)
    assert view.table.isVisibleTo(view) and view.table.model().rowCount() == 4


@pytest.mark.parametrize("seconds, text", [
    (0.4, "0 s"), (38, "38 s"), (65, "1 min 05 s"), (3599, "59 min 59 s"), (4320, "1 h 12 min")])
def test_durations(seconds, text):
    assert duration_text(seconds) == text


def test_an_alarm_resolves_when_it_leaves_the_banner():
    medium = alarm("m", 10).acknowledge("n", NOW - 60)
    high = alarm("h", 10, priority=Priority.HIGH)

    assert resolved_at(medium) is None  # still true, acknowledged or not
    assert resolved_at(medium.clear(NOW - 120)) == NOW - 120
    assert resolved_at(high.clear(NOW - 300)) is None  # latched
    assert resolved_at(high.clear(NOW - 300).acknowledge("n", NOW - 100)) == NOW - 100
    assert resolved_at(high.acknowledge("n", NOW - 500).clear(NOW - 300)) == NOW - 300
