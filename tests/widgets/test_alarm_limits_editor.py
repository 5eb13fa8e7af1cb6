"""A patient's own alarm limits in the patient panel: shown over the ward's, checked, saved."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from stores.model import AlarmLimits, Patient, Vital
from widgets.patient_panel import LIMITS_TAB, RECORD_TAB, PatientPanel

TODAY = date(2026, 5, 1)
# As app.alarms.rules.limits_of gives them for the built-in rules: None where no alarm is raised.
WARD = {
    Vital.HEART_RATE: AlarmLimits(Vital.HEART_RATE, 45, 120, 5),
    Vital.SPO2: AlarmLimits(Vital.SPO2, 90, None, 10),
    Vital.RESP_RATE: AlarmLimits(Vital.RESP_RATE, 8, 28, 10),
    Vital.NIBP_SYS: AlarmLimits(Vital.NIBP_SYS, 90, None, 0),
    Vital.NIBP_DIA: AlarmLimits(Vital.NIBP_DIA),
    Vital.NIBP_MEAN: AlarmLimits(Vital.NIBP_MEAN, 65, None, 0),
    Vital.TEMPERATURE: AlarmLimits(Vital.TEMPERATURE, None, 38.5, 30),
}
COPD = AlarmLimits(Vital.SPO2, 85, None, 15)
JANE = Patient("p-jane", "north", "north-1", "N1001", "Jane", "Doe", date(1961, 4, 12),
               alarm_limits=(COPD,), version=4)
KOFI = Patient("p-kofi", "north", "north-1", "N1002", "Kofi", "Boateng", date(1950, 1, 2))


@pytest.fixture
def panel(qtbot):
    panel = PatientPanel(today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.set_context("north", "north-1")
    panel.set_ward_limits(WARD)
    return panel


def row(panel, vital):
    return panel.form.limits.row(vital)


def texts(panel, vital):
    return tuple(editor.text() for editor in row(panel, vital).editors.values())


def placeholders(panel, vital):
    return tuple(editor.placeholderText() for editor in row(panel, vital).editors.values())


def type_limits(qtbot, panel, vital, **values):
    """Type like a nurse would (on the limits page, replacing what is there)."""
    panel.tabs.setCurrentIndex(LIMITS_TAB)
    for part, text in values.items():
        editor = row(panel, vital).editors[part]
        editor.selectAll()
        qtbot.keyClicks(editor, text) if text else qtbot.keyClick(editor, "\b")


def save_widened(qtbot, panel):
    """Save limits wider than the ward's: the panel asks first, and saves once confirmed."""
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert panel.widening.isVisibleTo(panel)
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.widening.confirm_button.click()
    assert not panel.widening.isVisibleTo(panel)
    return saved


def problem(panel, vital):
    shown = row(panel, vital).problem
    return shown.text() if shown.isVisibleTo(panel) else ""


def wrong_parts(panel, vital):
    editors = row(panel, vital).editors
    return [part for part, editor in editors.items() if editor.property("invalid")]


def test_a_patients_own_limits_are_shown_over_the_wards_in_grey(panel):
    panel.show_patient(JANE)
    assert texts(panel, Vital.SPO2) == ("85", "", "15")
    assert row(panel, Vital.SPO2).mark.text() == "Own"
    assert row(panel, Vital.SPO2).reset_button.isEnabled()
    assert texts(panel, Vital.HEART_RATE) == ("", "", "")
    assert placeholders(panel, Vital.HEART_RATE) == ("45", "120", "5")
    assert row(panel, Vital.HEART_RATE).mark.text() == "Ward"
    assert not row(panel, Vital.HEART_RATE).reset_button.isEnabled()
    assert panel.tabs.tabText(LIMITS_TAB) == "Alarm limits \u00b7 1 own"
    assert not panel.has_unsaved_changes()


def test_a_side_the_ward_raises_no_alarm_on_cannot_be_given_a_limit(panel):
    panel.show_patient(JANE)
    panel.tabs.setCurrentIndex(LIMITS_TAB)
    spo2_high = row(panel, Vital.SPO2).editors["high"]
    assert not spo2_high.isEnabled() and spo2_high.placeholderText() == "no alarm"
    assert row(panel, Vital.HEART_RATE).editors["high"].isEnabled()
    assert not row(panel, Vital.NIBP_DIA).label.isVisibleTo(panel)  # no alarm at all: no row
    assert row(panel, Vital.NIBP_MEAN).label.isVisibleTo(panel)


def test_edited_limits_are_asked_to_be_saved_and_blank_rows_are_left_out(qtbot, panel):
    panel.show_patient(JANE)
    type_limits(qtbot, panel, Vital.SPO2, low="88", delay_s="")
    type_limits(qtbot, panel, Vital.HEART_RATE, high="135", delay_s="7,5")
    assert panel.has_unsaved_changes()
    saved = save_widened(qtbot, panel)
    assert saved.args[0].alarm_limits == (
        AlarmLimits(Vital.HEART_RATE, None, 135, 7.5),
        AlarmLimits(Vital.SPO2, 88, None, None),
    )
    assert (saved.args[0].id, saved.args[0].version) == ("p-jane", 4)


def test_low_above_high_is_named_at_the_row_and_not_saved(qtbot, panel):
    panel.show_patient(JANE)
    type_limits(qtbot, panel, Vital.RESP_RATE, low="30", high="20")
    assert problem(panel, Vital.RESP_RATE) == "RR low limit (30) must be below the high limit (20)."
    assert wrong_parts(panel, Vital.RESP_RATE) == ["low", "high"]
    assert problem(panel, Vital.SPO2) == ""
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert problem(panel, Vital.RESP_RATE) != ""
    assert panel.form.loaded.alarm_limits == (COPD,)  # the stored limits stay as they were


def test_a_negative_delay_is_refused_and_a_save_from_the_record_turns_to_it(qtbot, panel):
    panel.show_patient(JANE)
    type_limits(qtbot, panel, Vital.SPO2, delay_s="-5")
    assert problem(panel, Vital.SPO2) == (
        "SpO\u2082 alarm delay -5 s is beyond the bound: it must be between 0 and 30 s.")
    assert wrong_parts(panel, Vital.SPO2) == ["delay_s"]
    panel.tabs.setCurrentIndex(RECORD_TAB)
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert panel.tabs.currentIndex() == LIMITS_TAB


def test_a_limit_that_is_not_a_number_is_a_message_not_a_crash(qtbot, panel):
    panel.show_patient(KOFI)
    type_limits(qtbot, panel, Vital.HEART_RATE, low="fourty")
    assert problem(panel, Vital.HEART_RATE) == "HR low limit must be a number."
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    type_limits(qtbot, panel, Vital.HEART_RATE, low="40")
    assert problem(panel, Vital.HEART_RATE) == "" and wrong_parts(panel, Vital.HEART_RATE) == []
    saved = save_widened(qtbot, panel)
    assert saved.args[0].alarm_limits == (AlarmLimits(Vital.HEART_RATE, 40, None, None),)


def test_an_own_limit_beyond_the_wards_other_limit_is_refused(qtbot, panel):
    panel.show_patient(KOFI)
    type_limits(qtbot, panel, Vital.HEART_RATE, low="125")
    assert problem(panel, Vital.HEART_RATE) == (
        "HR low limit (125) must be below the ward's high limit (120).")
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()


def test_reset_returns_a_row_to_the_wards_defaults(qtbot, panel):
    panel.show_patient(JANE)
    type_limits(qtbot, panel, Vital.HEART_RATE, high="135")
    row(panel, Vital.SPO2).reset_button.click()
    assert texts(panel, Vital.SPO2) == ("", "", "")
    assert row(panel, Vital.SPO2).mark.text() == "Ward"
    assert not row(panel, Vital.SPO2).reset_button.isEnabled()
    assert panel.tabs.tabText(LIMITS_TAB) == "Alarm limits \u00b7 1 own"
    assert panel.has_unsaved_changes()
    saved = save_widened(qtbot, panel)
    assert saved.args[0].alarm_limits == (AlarmLimits(Vital.HEART_RATE, None, 135, None),)


def test_reset_clears_the_rows_problem(qtbot, panel):
    panel.show_patient(KOFI)
    type_limits(qtbot, panel, Vital.RESP_RATE, low="x")
    row(panel, Vital.RESP_RATE).reset_button.click()
    assert problem(panel, Vital.RESP_RATE) == "" and wrong_parts(panel, Vital.RESP_RATE) == []
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    assert saved.args[0].alarm_limits == ()


def test_a_problem_from_the_store_is_shown_at_its_row(qtbot, panel):
    panel.show_patient(JANE)
    type_limits(qtbot, panel, Vital.SPO2, low="86")
    with qtbot.waitSignal(panel.save_requested):
        panel.save_button.click()
    panel.tabs.setCurrentIndex(RECORD_TAB)
    panel.show_problem("alarm_limits.spo2", "SpO\u2082 limits were refused by the store.")
    assert problem(panel, Vital.SPO2) == "SpO\u2082 limits were refused by the store."
    assert panel.tabs.currentIndex() == LIMITS_TAB
    assert panel.save_button.isEnabled() and texts(panel, Vital.SPO2) == ("86", "", "15")
    type_limits(qtbot, panel, Vital.SPO2, low="87")
    assert problem(panel, Vital.SPO2) == ""


def test_a_store_problem_for_limits_of_no_known_vital_is_shown_at_the_top(panel):
    panel.show_patient(JANE)
    panel.show_problem("alarm_limits", "Too many limits.")
    assert panel.form.message.text() == "Alarm limits: Too many limits."


def test_edited_limits_are_unsaved_changes_kept_until_discarded(qtbot, panel):
    panel.show_patient(JANE)
    panel.tabs.setCurrentIndex(LIMITS_TAB)
    type_limits(qtbot, panel, Vital.SPO2, low="88")
    panel.show_patient(KOFI)
    assert panel.form.loaded.id == "p-jane" and texts(panel, Vital.SPO2) == ("88", "", "15")
    bar = panel.form.unsaved
    assert bar.isVisibleTo(panel) and "Discard to open Kofi Boateng" in bar.text.text()
    assert panel.tabs.currentIndex() == LIMITS_TAB  # the bar is on the page being read
    bar.discard_button.click()
    assert panel.form.loaded.id == "p-kofi" and texts(panel, Vital.SPO2) == ("", "", "")
    assert panel.tabs.tabText(LIMITS_TAB) == "Alarm limits"
    assert not panel.has_unsaved_changes()


def test_saved_limits_are_shown_as_stored(qtbot, panel):
    panel.show_patient(JANE)
    type_limits(qtbot, panel, Vital.SPO2, low="88")
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    panel.show_saved(dataclasses.replace(saved.args[0], version=5))
    assert texts(panel, Vital.SPO2) == ("88", "", "15") and not panel.has_unsaved_changes()
    assert panel.form.message.text() == "Saved"


def test_the_wards_limits_may_arrive_after_the_patient_and_are_not_an_edit(qtbot):
    panel = PatientPanel(today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.show_patient(JANE)
    assert placeholders(panel, Vital.HEART_RATE) == ("ward", "ward", "ward")
    type_limits(qtbot, panel, Vital.HEART_RATE, low="50")
    panel.set_ward_limits(WARD)
    assert placeholders(panel, Vital.HEART_RATE) == ("45", "120", "5")
    assert texts(panel, Vital.HEART_RATE) == ("50", "", "")
    panel.form.load(JANE)
    panel.set_ward_limits(WARD)
    assert not panel.has_unsaved_changes()


def test_save_and_discharge_are_on_the_limits_page_too(panel):
    panel.show_patient(JANE)
    panel.tabs.setCurrentIndex(LIMITS_TAB)
    page = panel.tabs.widget(LIMITS_TAB)
    assert page.isAncestorOf(panel.save_button) and page.isAncestorOf(panel.form.message)
    panel.tabs.setCurrentIndex(RECORD_TAB)
    assert panel.tabs.widget(RECORD_TAB).isAncestorOf(panel.save_button)
    assert panel.save_button.isVisibleTo(panel)


def test_a_stored_limit_the_ward_would_not_use_is_shown_so_that_it_can_be_cleared(qtbot, panel):
    unused = (AlarmLimits(Vital.SPO2, None, 98, None), AlarmLimits(Vital.NIBP_DIA, 50, None, None))
    panel.show_patient(dataclasses.replace(JANE, alarm_limits=unused))
    panel.tabs.setCurrentIndex(LIMITS_TAB)
    assert row(panel, Vital.SPO2).editors["high"].isEnabled()
    assert problem(panel, Vital.SPO2) == (
        "This ward raises no SpO\u2082 high alarm, so a high limit would not be used: clear it.")
    assert row(panel, Vital.NIBP_DIA).label.isVisibleTo(panel)
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    row(panel, Vital.SPO2).reset_button.click()
    row(panel, Vital.NIBP_DIA).reset_button.click()
    assert not row(panel, Vital.SPO2).editors["high"].isEnabled()
    assert not row(panel, Vital.NIBP_DIA).label.isVisibleTo(panel)
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    assert saved.args[0].alarm_limits == ()


def test_widening_beyond_the_wards_default_asks_first_and_cancel_saves_nothing(qtbot, panel):
    panel.show_patient(KOFI)
    type_limits(qtbot, panel, Vital.SPO2, low="86", delay_s="20")
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    bar = panel.widening
    assert bar.isVisibleTo(panel)
    assert "SpO\u2082 low limit ward \u2192 86 % (ward 90 %)" in bar.text.text()
    assert "SpO\u2082 alarm delay ward \u2192 20 s (ward 10 s)" in bar.text.text()
    assert bar.cancel_button.hasFocus() or not panel.isActiveWindow()
    with qtbot.assertNotEmitted(panel.save_requested):
        bar.cancel_button.click()
    assert not bar.isVisibleTo(panel) and panel.has_unsaved_changes()
    panel.save_button.click()
    type_limits(qtbot, panel, Vital.SPO2, low="88")  # an edit ends the question
    assert not bar.isVisibleTo(panel)
    saved = save_widened(qtbot, panel)
    assert saved.args[0].alarm_limits == (AlarmLimits(Vital.SPO2, 88, None, 20),)


def test_tighter_limits_and_a_widening_already_saved_ask_nothing(qtbot, panel):
    panel.show_patient(JANE)  # SpO2 85 % and 15 s: wider than the ward, saved before
    panel.form.editor("notes").setPlainText("Sleeps with the window open")
    type_limits(qtbot, panel, Vital.HEART_RATE, low="50", high="110")
    with qtbot.waitSignal(panel.save_requested):
        panel.save_button.click()
    assert not panel.widening.isVisibleTo(panel)


def test_a_limit_beyond_the_clinical_bounds_is_refused_at_its_row(qtbot, panel):
    panel.show_patient(KOFI)
    type_limits(qtbot, panel, Vital.SPO2, low="70")
    assert problem(panel, Vital.SPO2) == (
        "SpO\u2082 low limit 70 % is below the clinical bound of 85 %: lower, the alarm could "
        "come too late.")
    type_limits(qtbot, panel, Vital.RESP_RATE, low="0")
    assert "RR low limit 0 /min is below the clinical bound of 5 /min" in problem(
        panel, Vital.RESP_RATE)
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()


def test_the_stations_tighter_bounds_apply_at_the_row(qtbot, panel):
    from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds

    panel.show_patient(JANE)  # SpO2 low 85: within the hard bounds, not the station's
    panel.set_alarm_bounds(dict(HARD_BOUNDS) | {"spo2": AlarmBounds(88.0, 100.0, 30.0)})
    panel.tabs.setCurrentIndex(LIMITS_TAB)
    assert "below the clinical bound of 88 %" in problem(panel, Vital.SPO2)
