"""What the nurse sees of writes kept at the station: queued (never "Saved") in the form and the
list, the Pending writes screen with its two actions, the status-bar count."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from stores.model import Bed, Patient, PendingWrite, Sex
from widgets.patient_list import MARKS
from widgets.patient_panel import PatientPanel
from widgets.pending_writes import PendingCount, PendingWritesView

TODAY = date(2026, 5, 1)
MADE = datetime(2026, 5, 1, 3, 12, 40).timestamp()
BEDS = [Bed("north-1-07", "north", "north-1", "Bed 7", 7)]
JANE = Patient("p-jane", "north", "north-1", "N1001", "Jane", "Doe", date(1961, 4, 12),
               sex=Sex.FEMALE, bed_id="north-1-07", weight_kg=64.0, version=4)
NEW = Patient("p-new", "north", "north-1", "N2002", "Kofi", "Boateng", date(1950, 1, 2),
              version=1)


def write(patient: Patient, operation: str, refused: str | None = None, seq: int = 1,
          user: str = "nurse.kim") -> PendingWrite:
    verb = "Admit" if operation == "patients.admit" else "Save changes to"
    return PendingWrite(
        store="patients", seq=seq, operation=operation, made_at=MADE, user=user,
        what=f"{verb} {patient.family_name}, {patient.given_name} (MRN {patient.mrn})",
        patient_id=patient.id, record=patient, refused=refused)


@pytest.fixture
def panel(qtbot):
    panel = PatientPanel(today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.set_context("north", "north-1")
    panel.set_beds(BEDS)
    panel.show_patients([JANE])
    return panel


def test_a_queued_save_says_queued_and_not_saved_and_saved_only_once_delivered(panel):
    edited = dataclasses.replace(JANE, notes="fell at 3am", version=5)
    panel.show_queued(edited)

    assert panel.form.message.objectName() == "Queued"
    assert "NOT saved yet" in panel.form.message.text()
    assert "Saved" not in panel.form.message.text().replace("saved when", "")
    assert panel.save_button.isEnabled()

    panel.set_pending([write(edited, "patients.update")])
    assert panel.patients.row_texts() == [f"Bed 7 \u00b7 Doe, Jane \u00b7 N1001  \u00b7  "
                                          f"{MARKS['queued']}"]
    panel.show_delivered(edited)
    panel.set_pending([])
    assert panel.form.message.objectName() == "Saved"
    assert panel.form.message.text().startswith("Saved")
    assert panel.patients.row_texts() == ["Bed 7 \u00b7 Doe, Jane \u00b7 N1001"]


def test_a_queued_admission_has_a_marked_row_of_its_own_until_the_store_lists_it(panel):
    panel.set_pending([write(NEW, "patients.admit")])
    assert panel.patients.row_texts()[-1] == (f"No bed \u00b7 Boateng, Kofi \u00b7 N2002  \u00b7  "
                                              f"{MARKS['queued']}")


def test_a_refused_write_marks_its_patient_refused_in_list_and_form(panel):
    panel.show_patient(JANE)
    panel.set_pending([write(JANE, "patients.update", refused="version 4 (now 5)")])
    assert panel.patients.row_texts()[0].endswith(MARKS["refused"])
    assert "refused a queued change" in panel.form.message.text()


@pytest.fixture
def view(qtbot):
    view = PendingWritesView()
    qtbot.addWidget(view)
    view.set_location("/home/nurse/.local/share/ward-station/ward-station.sqlite3")
    return view


def test_the_screen_lists_who_when_what_with_the_refused_first_and_where_they_are_kept(view):
    view.show_writes([write(JANE, "patients.update", refused="version 4 (now 5)", seq=2),
                      write(NEW, "patients.admit", seq=3, user="dr.ng")])

    cells = [[view.table.item(r, c).text() for c in range(5)] for r in range(2)]
    assert cells == [
        ["\u26a0 Refused", "2026-05-01 03:12:40", "nurse.kim",
         "Save changes to Doe, Jane (MRN N1001)", "patients"],
        ["\u25d4 Queued", "2026-05-01 03:12:40", "dr.ng", "Admit Boateng, Kofi (MRN N2002)",
         "patients"]]
    assert "ward-station.sqlite3" in view.summary.text()
    assert view.selected().seq == 2  # the one needing a decision


def test_a_refused_change_is_compared_with_the_current_record_then_applied_or_discarded(
        qtbot, view):
    mine = dataclasses.replace(JANE, weight_kg=61.0)
    refused = write(mine, "patients.update", refused="version 4 (now 5)")
    with qtbot.waitSignal(view.current_requested) as asked:
        view.show_writes([refused])
    assert asked.args == ["patients", 1]

    view.show_current(refused, dataclasses.replace(JANE, notes="turned", version=5))
    compared = view.detail.comparison
    rows = {compared.item(r, 0).text(): (compared.item(r, 1).text(), compared.item(r, 2).text())
            for r in range(compared.rowCount())}
    assert rows["Weight kg \u25c6"] == ("64.0", "61.0")
    assert rows["Notes \u25c6"] == ("turned", "")
    assert "version 4 (now 5)" in view.detail.reason.text()

    with qtbot.waitSignal(view.apply_again_requested) as applied:
        view.detail.apply_button.click()
    assert applied.args == ["patients", 1]

    with qtbot.assertNotEmitted(view.discard_requested):
        view.detail.discard_button.click()  # asks first
    assert view.detail.question.isVisibleTo(view)
    with qtbot.waitSignal(view.discard_requested) as discarded:
        view.detail.confirm_button.click()
    assert discarded.args == ["patients", 1]


def test_a_queued_write_offers_no_action_it_waits_for_its_store(view):
    view.show_writes([write(NEW, "patients.admit")])
    view.table.selectRow(0)
    assert view.detail.isVisibleTo(view)
    assert "Queued, not saved yet" in view.detail.reason.text()
    assert not view.detail.apply_button.isVisibleTo(view)


def test_the_status_bar_count_shows_only_while_something_is_pending(qtbot):
    count = PendingCount()
    qtbot.addWidget(count)
    assert count.isHidden()
    count.show_counts(3, 1)
    assert not count.isHidden() and count.text() == "\u25d4 4 pending \u00b7 1 refused"
    count.show_counts(0, 0)
    assert count.isHidden()
