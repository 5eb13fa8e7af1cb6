"""The patient panel: inline validation, the records it asks to save, discharge, search."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import Qt

from stores.model import Bed, Patient, Sex
from tests.widgets.qt_timers import pending_single_shots
from widgets.patient_form.fields import WEIGHT_HINT
from widgets.patient_panel import PatientPanel

TODAY = date(2026, 5, 1)
BEDS = [Bed(f"north-1-{n:02d}", "north", "north-1", f"Bed {n}", n) for n in (1, 2, 7)]
JANE = Patient(
    id="p-jane",
    region="north",
    ward="north-1",
    mrn="N1001",
    given_name="Jane",
    family_name="Doe",
    birth_date=date(1961, 4, 12),
    sex=Sex.FEMALE,
    bed_id="north-1-07",
    weight_kg=64.0,
    diagnoses=("Atrial fibrillation",),
    version=4,
)
KOFI = Patient("p-kofi", "north", "north-1", "N1002", "Kofi", "Boateng", date(1950, 1, 2))


@pytest.fixture
def panel(qtbot):
    panel = PatientPanel(today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.set_context("north", "north-1")
    panel.set_beds(BEDS)
    return panel


def type_into(qtbot, panel, **values):
    """Type like a user would, so that the form sees edits and not programmatic changes."""
    for name, text in values.items():
        editor = panel.form.editor(name)
        editor.selectAll()
        qtbot.keyClicks(editor, text)


def fill_new_patient(qtbot, panel, **overrides):
    values = {"mrn": "N2001", "given_name": "Ada", "family_name": "Lovelace", "weight_kg": "72,5"}
    values.update(overrides)
    panel.new_patient()
    type_into(qtbot, panel, **values)
    panel.form.editor("birth_date").set_birth_date(date(1985, 12, 10))


def problem(panel, name):
    field = panel.form.fields[name]
    return field.problem.text() if field.problem.isVisibleTo(panel.form) else ""


def test_an_empty_required_field_is_named_and_nothing_is_saved(qtbot, panel):
    fill_new_patient(qtbot, panel, family_name="")
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert problem(panel, "family_name") == "Required."
    assert panel.form.editor("family_name").property("invalid") is True
    assert problem(panel, "given_name") == ""


def test_a_blank_birth_date_is_required(qtbot, panel):
    fill_new_patient(qtbot, panel)
    panel.form.editor("birth_date").set_birth_date(None)
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert problem(panel, "birth_date") == "Required."


def test_a_future_birth_date_is_refused(qtbot, panel):
    fill_new_patient(qtbot, panel)
    panel.form.editor("birth_date").set_birth_date(date(2026, 5, 2))
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert problem(panel, "birth_date") == "Birth date is in the future."


def test_a_weight_that_is_not_a_number_is_refused(qtbot, panel):
    fill_new_patient(qtbot, panel, weight_kg="seventy")
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert problem(panel, "weight_kg") == WEIGHT_HINT


def test_editing_a_field_clears_its_message(qtbot, panel):
    fill_new_patient(qtbot, panel, mrn="")
    panel.save_button.click()
    assert problem(panel, "mrn") == "Required."
    qtbot.keyClicks(panel.form.editor("mrn"), "N")
    assert problem(panel, "mrn") == ""
    assert panel.form.editor("mrn").property("invalid") is False


def test_a_valid_new_patient_is_asked_to_be_saved_with_parsed_fields(qtbot, panel):
    fill_new_patient(
        qtbot, panel, given_name="  Ada ", diagnoses="Sepsis, , Type 2 diabetes ", allergies=""
    )
    panel.form.editor("bed_id").setCurrentIndex(panel.form.editor("bed_id").findData("north-1-02"))
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    patient = saved.args[0]
    assert (patient.id, patient.version) == ("", 0)
    assert (patient.region, patient.ward, patient.mrn) == ("north", "north-1", "N2001")
    assert (patient.given_name, patient.family_name) == ("Ada", "Lovelace")
    assert patient.birth_date == date(1985, 12, 10)
    assert patient.weight_kg == 72.5
    assert patient.diagnoses == ("Sepsis", "Type 2 diabetes")
    assert patient.allergies == ()
    assert patient.bed_id == "north-1-02"
    assert patient.sex is Sex.UNKNOWN


def test_a_blank_weight_is_saved_as_unknown(qtbot, panel):
    fill_new_patient(qtbot, panel, weight_kg="")
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    assert saved.args[0].weight_kg is None


def test_an_edit_keeps_the_id_and_version_it_was_read_at(qtbot, panel):
    panel.show_patient(JANE)
    type_into(qtbot, panel, family_name="Doe-Smith")
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    patient = saved.args[0]
    assert (patient.id, patient.version) == ("p-jane", 4)
    assert patient.family_name == "Doe-Smith"
    assert (patient.bed_id, patient.weight_kg, patient.sex) == ("north-1-07", 64.0, Sex.FEMALE)
    assert patient.diagnoses == ("Atrial fibrillation",)


def test_a_saved_record_is_confirmed_and_kept_with_its_new_version(qtbot, panel):
    panel.show_patient(JANE)
    panel.show_saved(Patient(**{**JANE.__dict__, "version": 5}))
    assert panel.form.message.text() == "Saved"
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    assert saved.args[0].version == 5


def test_a_store_problem_is_shown_by_its_field(qtbot, panel):
    panel.show_patient(JANE)
    panel.show_problem("mrn", "MRN N1001 is already taken in north.")
    assert problem(panel, "mrn") == "MRN N1001 is already taken in north."
    assert problem(panel, "given_name") == ""


def test_an_error_is_shown_at_the_top_and_nothing_is_cleared(qtbot, panel):
    panel.show_patient(JANE)
    type_into(qtbot, panel, given_name="Janet")
    panel.show_error("Patients store unavailable: connection refused")
    assert panel.form.message.text() == "Patients store unavailable: connection refused"
    assert panel.form.editor("given_name").text() == "Janet"


def test_discharge_asks_first_and_cancel_discharges_no_one(qtbot, panel):
    panel.show_patient(JANE)
    with qtbot.assertNotEmitted(panel.discharge_requested):
        panel.discharge_button.click()
        assert panel.confirm_question.text() == "<b>Discharge Jane Doe?</b>"
        panel.cancel_button.click()
    assert not panel.confirm_button.isVisibleTo(panel)


def test_confirmed_discharge_names_the_patient(qtbot, panel):
    panel.show_patient(JANE)
    panel.discharge_button.click()
    with qtbot.waitSignal(panel.discharge_requested) as discharged:
        panel.confirm_button.click()
    assert discharged.args == ["p-jane"]


def test_a_new_patient_cannot_be_discharged(qtbot, panel):
    panel.new_patient()
    assert not panel.discharge_button.isEnabled()


def test_the_list_shows_bed_name_and_mrn_in_bed_order(qtbot, panel):
    nobody_in_bed = Patient("p-x", "north", "north-1", "N1003", "Xia", "Zhou", date(1990, 1, 1))
    panel.show_patients([JANE, nobody_in_bed, Patient(**{**KOFI.__dict__, "bed_id": "north-1-01"})])
    assert panel.patients.row_texts() == [
        "Bed 1 · Boateng, Kofi · N1002",
        "Bed 7 · Doe, Jane · N1001",
        "No bed · Zhou, Xia · N1003",
    ]


def test_clicking_a_patient_in_the_list_selects_them(qtbot, panel):
    panel.show_patients([JANE, KOFI])
    rows = panel.patients.rows
    rect = rows.visualItemRect(rows.item(1))
    with qtbot.waitSignal(panel.patient_selected) as selected:
        qtbot.mouseClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert selected.args == ["p-kofi"]


def test_showing_a_patient_selects_their_row_without_reporting_a_click(qtbot, panel):
    panel.show_patients([JANE, KOFI])
    with qtbot.assertNotEmitted(panel.patient_selected):
        panel.show_patient(KOFI)
        panel.show_patients([KOFI, JANE])
    assert panel.patients.selected_id() == "p-kofi"


def test_search_waits_for_a_pause_in_typing(qtbot, panel):
    searches = []
    panel.search_changed.connect(searches.append)
    qtbot.keyClicks(panel.patients.search, "Doe")
    assert searches == []
    qtbot.waitUntil(lambda: searches == ["Doe"], timeout=1000)
    assert pending_single_shots(panel) == []  # one search, and no other to come


def test_a_birth_date_can_be_typed_into_the_blank_editor(qtbot, panel):
    panel.new_patient()
    editor = panel.form.editor("birth_date")
    assert editor.birth_date() is None
    qtbot.keyClicks(editor, "19840302")
    assert editor.birth_date() == date(1984, 3, 2)


def test_save_waits_for_the_answer_before_it_can_be_clicked_again(qtbot, panel):
    panel.show_patient(JANE)
    with qtbot.waitSignal(panel.save_requested):
        panel.save_button.click()
    assert not panel.save_button.isEnabled()
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    panel.show_error("Not saved: the patient store is unavailable (disk full).")
    assert panel.save_button.isEnabled()
    with qtbot.waitSignal(panel.save_requested):
        panel.save_button.click()
    panel.show_saved(JANE)
    assert panel.save_button.isEnabled() and panel.save_button.text() == "Save"


def unsaved_bar(panel) -> str:
    bar = panel.form.unsaved
    return bar.text.text() if bar.isVisibleTo(panel) else ""


def test_a_loaded_record_has_no_unsaved_changes_until_the_user_edits(qtbot, panel):
    panel.show_patient(JANE)
    assert not panel.has_unsaved_changes()
    panel.form.editor("notes").setFocus()
    qtbot.keyClicks(panel.form.editor("notes"), "Fasting from midnight")
    assert panel.has_unsaved_changes()


def test_edits_are_kept_when_another_patient_is_shown_until_discarded(qtbot, panel):
    panel.show_patients([JANE, KOFI])
    panel.show_patient(JANE)
    qtbot.keyClicks(panel.form.editor("notes"), "Fasting from midnight")
    panel.show_patient(KOFI)
    assert panel.form.loaded.id == "p-jane"
    assert panel.form.editor("notes").toPlainText() == "Fasting from midnight"
    assert unsaved_bar(panel) == "Unsaved changes to Jane Doe: Save them, or Discard to open Kofi Boateng."
    assert panel.patients.selected_id() == "p-jane"
    qtbot.mouseClick(panel.form.unsaved.discard_button, Qt.MouseButton.LeftButton)
    assert panel.form.loaded.id == "p-kofi" and panel.form.editor("notes").toPlainText() == ""
    assert unsaved_bar(panel) == "" and not panel.has_unsaved_changes()
    assert panel.patients.selected_id() == "p-kofi"


def test_save_from_the_unsaved_bar_asks_to_save_the_edited_record(qtbot, panel):
    panel.show_patient(JANE)
    type_into(qtbot, panel, given_name="Janet")
    panel.show_patient(KOFI)
    with qtbot.waitSignal(panel.save_requested) as saved:
        qtbot.mouseClick(panel.form.unsaved.save_button, Qt.MouseButton.LeftButton)
    assert (saved.args[0].id, saved.args[0].given_name) == ("p-jane", "Janet")
    panel.show_saved(dataclasses.replace(JANE, given_name="Janet", version=5))
    assert unsaved_bar(panel) == "" and not panel.has_unsaved_changes()
    panel.show_patient(KOFI)
    assert panel.form.loaded.id == "p-kofi"


def test_a_reload_of_the_record_being_edited_keeps_the_edits(qtbot, panel):
    panel.show_patient(JANE)
    type_into(qtbot, panel, given_name="Janet")
    panel.show_patient(dataclasses.replace(JANE, notes="changed elsewhere", version=5))
    assert panel.form.editor("given_name").text() == "Janet"
    assert panel.form.loaded.version == 4 and panel.has_unsaved_changes()
    assert unsaved_bar(panel) == ""


def test_new_patient_edits_are_protected_from_new_patient_and_show_patient(qtbot, panel):
    fill_new_patient(qtbot, panel)
    panel.new_patient()
    assert panel.form.editor("given_name").text() == "Ada"
    assert unsaved_bar(panel) == (
        "Unsaved changes to the new patient: Save them, or Discard to open a new patient."
    )
    panel.show_patient(JANE)
    assert panel.form.loaded is None and "Discard to open Jane Doe" in unsaved_bar(panel)
    panel.form.unsaved.discard_button.click()
    assert panel.form.loaded.id == "p-jane"
    type_into(qtbot, panel, given_name="Janet")
    panel.new_patient()
    panel.form.unsaved.discard_button.click()
    assert panel.form.loaded is None and panel.form.editor("given_name").text() == ""


def test_after_a_save_another_patient_opens_at_once(qtbot, panel):
    panel.show_patient(JANE)
    type_into(qtbot, panel, given_name="Janet")
    with qtbot.waitSignal(panel.save_requested):
        panel.save_button.click()
    panel.show_saved(dataclasses.replace(JANE, given_name="Janet", version=5))
    assert panel.form.message.text() == "Saved" and not panel.has_unsaved_changes()
    panel.show_patient(KOFI)
    assert panel.form.loaded.id == "p-kofi" and unsaved_bar(panel) == ""


def type_unicode(editor, text: str) -> None:
    """Key presses carrying any character (QTest's keyClicks aborts beyond Latin-1), as an
    input method or a paste would deliver them."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        QApplication.sendEvent(editor, QKeyEvent(QEvent.Type.KeyPress, 0,
                                                 Qt.KeyboardModifier.NoModifier, char))


def test_an_invisible_character_is_named_as_it_is_typed_and_the_record_is_refused(qtbot, panel):
    fill_new_patient(qtbot, panel)
    type_unicode(panel.form.editor("mrn"), "\u202e")  # right-to-left override
    assert "invisible or control character (U+202E)" in problem(panel, "mrn")
    with qtbot.assertNotEmitted(panel.save_requested):
        panel.save_button.click()
    assert "U+202E" in problem(panel, "mrn")


def test_a_field_too_long_is_said_as_it_is_typed(qtbot, panel):
    fill_new_patient(qtbot, panel)
    type_into(qtbot, panel, mrn="N" * 33)
    assert problem(panel, "mrn") == "At most 32 characters (33 given)."
    type_into(qtbot, panel, mrn="N" * 32)
    assert problem(panel, "mrn") == ""


def test_the_record_holds_nfc_text_whichever_way_an_accent_was_typed(qtbot, panel):
    fill_new_patient(qtbot, panel, given_name="")
    type_unicode(panel.form.editor("given_name"), "Ame\u0301lie")
    with qtbot.waitSignal(panel.save_requested) as saved:
        panel.save_button.click()
    assert saved.args[0].given_name == "Am\u00e9lie"


LONG_NAME = dataclasses.replace(JANE, given_name="Maria-Antonia Josefina",
                                family_name="Papadopoulou-Lindqvist")


@pytest.mark.parametrize("width", [300, 420, 900])
def test_the_record_name_gives_way_to_the_tabs(qtbot, panel, width):
    """Beside the tabs, a long name is shortened with "…" (the ward dropped first) rather than
    push the last tab out of sight; the whole name is in its tooltip."""
    panel.resize(width, 500)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_patient(LONG_NAME)
    bar, heading = panel.tabs.tabBar(), panel.form.heading
    qtbot.waitUntil(lambda: heading.geometry().left() >= bar.geometry().right(), timeout=1000)
    assert all(bar.rect().contains(bar.tabRect(tab)) for tab in range(bar.count()))
    assert panel.tabs.rect().contains(heading.geometry())
    assert heading.full_text() == f"{LONG_NAME.full_name} \u00b7 north-1"
    assert ("\u2026" in heading.text()) == (width < 900)
