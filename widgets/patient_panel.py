"""The patient panel: the ward's patient list, the record form and the patient's alarm limits."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from stores.alarm_bounds import AlarmBounds
from stores.model import AlarmLimits, Bed, Patient, PendingWrite, Vital, widenings
from widgets.alarm_limits_editor import vital_of
from widgets.patient_form.form import PatientForm
from widgets.patient_form.notices import QUEUED, REFUSED, WideningBar
from widgets.patient_list import PatientList
from widgets.patient_panel_pages import column, move_onto, row
from widgets.scrolled import scrolled

LIST_TAB, RECORD_TAB, LIMITS_TAB = 0, 1, 2
LIMITS_TITLE = "Alarm limits"
HEADING_GAP = 8  # px between the last tab and the record's name


class PatientPanel(QWidget):
    """Find, admit, edit and discharge the patients of a ward.

    Saving and discharging are requests: the panel reports them through signals and shows the
    answer given back through `show_saved`, `show_queued`, `show_problem` or `show_error`. A
    change kept in the outbox is shown as queued, never as saved, until `show_delivered`.
    """

    search_changed = Signal(str)
    patient_selected = Signal(str)
    save_requested = Signal(object)  # a Patient; id "" and version 0 for a new patient
    discharge_requested = Signal(str)

    def __init__(self, today: Callable[[], date] = date.today, parent: QWidget | None = None):
        super().__init__(parent)
        self.patients = PatientList()
        self.form = PatientForm(today)
        self.new_button = QPushButton("New patient")
        self.save_button = QPushButton("Save", default=True)
        self.discharge_button = QPushButton("Discharge")
        self.confirm_question = QLabel()
        self.confirm_button = QPushButton("Confirm")
        self.cancel_button = QPushButton("Cancel")
        self._actions = QStackedWidget()
        self.widening = WideningBar()
        self._ward_limits: dict[Vital, AlarmLimits] = {}
        self._notices = column(self.form.unsaved, self.widening, self.form.message, stretch=False)
        self._on_discard: Callable[[], None] | None = None  # opens what the user asked for instead
        self.tabs = QTabWidget()
        self._lay_out()
        self._connect()
        self.new_patient()
        self.tabs.setCurrentIndex(LIST_TAB)

    @Slot(str, str)
    def set_context(self, region: str, ward: str) -> None:
        self.form.set_context(region, ward)

    @Slot(list)
    def set_beds(self, beds: list[Bed]) -> None:
        self.patients.set_beds(beds)
        self.form.set_beds(beds)

    @Slot(object)
    def set_ward_limits(self, limits: dict[Vital, AlarmLimits]) -> None:
        """The ward's effective alarm limits, which the limits page shows where a patient has
        none of their own."""
        self._ward_limits = dict(limits)
        self.form.set_ward_limits(limits)

    @Slot(object)
    def set_alarm_bounds(self, bounds: dict[str, AlarmBounds]) -> None:
        """The station's clinical bounds of alarm limits, when tighter than the hard ones."""
        self.form.limits.set_bounds(bounds)

    @Slot(list)
    def show_patients(self, patients: list[Patient]) -> None:
        self.patients.show_patients(patients)

    def has_unsaved_changes(self) -> bool:
        return self.form.has_unsaved_changes()

    @Slot(object)
    def show_patient(self, patient: Patient) -> None:
        """Open a patient's record; while the form holds edits, offer Save or Discard first."""
        loaded = self.form.loaded
        if not self.has_unsaved_changes():
            self._open(patient)
        elif loaded is None or loaded.id != patient.id:
            self._hold_edits(patient.full_name, lambda: self._open(patient))
        else:  # a reload of the record being edited: the user's edits win until saved
            self.patients.select(patient.id)
            self._show_record()

    @Slot(object)
    def show_saved(self, patient: Patient) -> None:
        self._set_saving(False)
        self._open(patient)
        self.form.show_message("Saved", "saved")

    @Slot(object)
    def show_queued(self, patient: Patient) -> None:
        """The change is kept in the outbox, not saved: the form shows it as it will be saved."""
        self._set_saving(False)
        self._open(patient)
        self.form.show_message(QUEUED, "queued")

    @Slot(object)
    def show_delivered(self, patient: Patient) -> None:
        """A queued change of `patient` reached the store; said only where it is shown unedited."""
        loaded = self.form.loaded
        if loaded is not None and loaded.id == patient.id and not self.has_unsaved_changes():
            self._open(patient)
            self.form.show_message("Saved (the queued change reached the patient store)",
                                   "saved")

    @Slot(str)
    def show_discharge_queued(self, patient_id: str) -> None:
        self.form.show_message("Discharge queued, NOT saved yet: the patient store is "
                               "unavailable; it is kept at this station (see Pending writes).",
                               "queued")

    @Slot(list)
    def set_pending(self, writes: list[PendingWrite]) -> None:
        """Writes kept in the outbox: the list marks their patients, the form its own."""
        self.patients.set_pending(writes)
        self._show_pending_mark()

    def _show_pending_mark(self) -> None:
        loaded = self.form.loaded
        mark = self.patients.pending_mark(loaded.id) if loaded is not None else ""
        shown = self.form.message.objectName() == "Queued" and self.form.message.isVisible()
        if mark.startswith("\u26a0"):
            self.form.show_message(REFUSED, "error")
        elif mark:
            self.form.show_message(QUEUED, "queued")
        elif shown:  # delivered meanwhile, said by show_delivered; no longer queued
            self.form.show_message("")

    @Slot(str, str)
    def show_problem(self, field: str, message: str) -> None:
        self._set_saving(False)
        self.form.show_problem(field, message)
        self.tabs.setCurrentIndex(LIMITS_TAB if vital_of(field) else RECORD_TAB)

    @Slot(str)
    def show_error(self, message: str) -> None:
        self._set_saving(False)
        self.form.show_message(message, "error")
        self._show_record()

    @Slot()
    def new_patient(self) -> None:
        """Blank the form for admitting a new patient (after Save or Discard of any edits)."""
        if self.has_unsaved_changes():
            self._hold_edits("a new patient", self._blank)
        else:
            self._blank()

    def _open(self, patient: Patient) -> None:
        self._on_discard = None
        self._cancel_widening()
        self.form.load(patient)
        self._show_pending_mark()
        self.patients.select(patient.id)
        self._ask_discharge(False)
        self._show_record()

    def _show_record(self) -> None:
        """Turn from the list to the record; a user reading the limits page stays on it."""
        if self.tabs.currentIndex() == LIST_TAB:
            self.tabs.setCurrentIndex(RECORD_TAB)

    def _hold_edits(self, other: str, open_other: Callable[[], None]) -> None:
        """Keep the edits in the form; `open_other` runs only if the user chooses Discard."""
        loaded = self.form.loaded
        self._on_discard = open_other
        self.form.unsaved.offer(loaded.full_name if loaded else "the new patient", other)
        self.patients.select(loaded.id if loaded else None)  # the list names what the form shows
        self._show_record()

    def _discard(self) -> None:
        open_other, self._on_discard = self._on_discard, None
        if open_other is not None:
            open_other()

    def _blank(self) -> None:
        self._on_discard = None
        self._cancel_widening()
        self.form.load(None)
        self.patients.select(None)
        self._ask_discharge(False)
        self.tabs.setCurrentIndex(RECORD_TAB)
        self.form.editor("mrn").setFocus()

    def _save(self) -> None:
        self._cancel_widening()
        record = self.form.record()
        if record is not None:
            loaded = self.form.loaded
            wider = widenings(loaded.alarm_limits if loaded else (), record.alarm_limits,
                              self._ward_limits)
            if wider:
                self.widening.ask([widening.describe() for widening in wider])
                return
            self._request_save(record)
            return
        # Refused: the problems are shown by their fields; turn to them unless in view already.
        place = self.form.problem_place()
        shown_here = {RECORD_TAB: "fields", LIMITS_TAB: "limits"}.get(self.tabs.currentIndex())
        if place is not None and place != shown_here:
            self.tabs.setCurrentIndex(RECORD_TAB if place == "fields" else LIMITS_TAB)

    def _request_save(self, record: Patient) -> None:
        self._set_saving(True)  # a second click would only come back as a conflict
        self.save_requested.emit(record)

    def _confirm_widening(self) -> None:
        """Save what the form holds now: an edit of the limits since would have closed the
        question, so the widening is the one confirmed."""
        self.widening.hide()
        record = self.form.record()
        if record is not None:
            self._request_save(record)

    def _cancel_widening(self) -> None:
        self.widening.hide()

    def _set_saving(self, saving: bool) -> None:
        self.save_button.setEnabled(not saving)
        self.form.unsaved.save_button.setEnabled(not saving)
        self.save_button.setText("Saving\u2026" if saving else "Save")

    def _ask_discharge(self, asking: bool) -> None:
        loaded = self.form.loaded
        self.discharge_button.setEnabled(loaded is not None)
        asking = asking and loaded is not None
        if asking:
            self.confirm_question.setText(f"<b>Discharge {html.escape(loaded.full_name)}?</b>")
            self.cancel_button.setFocus()  # a stray Enter must not discharge anyone
        self._actions.setCurrentIndex(1 if asking else 0)

    def _confirm_discharge(self) -> None:
        loaded = self.form.loaded
        self._ask_discharge(False)
        if loaded is not None:
            self.discharge_requested.emit(loaded.id)

    def _connect(self) -> None:
        self.patients.search_changed.connect(self.search_changed)
        self.patients.patient_selected.connect(self.patient_selected)
        self.new_button.clicked.connect(self.new_patient)
        self.save_button.clicked.connect(self._save)
        self.form.unsaved.save_button.clicked.connect(self._save)
        self.form.unsaved.discard_button.clicked.connect(self._discard)
        self.discharge_button.clicked.connect(lambda: self._ask_discharge(True))
        self.cancel_button.clicked.connect(lambda: self._ask_discharge(False))
        self.confirm_button.clicked.connect(self._confirm_discharge)
        self.form.limits.own_count_changed.connect(self._name_limits_tab)
        self.widening.confirm_button.clicked.connect(self._confirm_widening)
        self.widening.cancel_button.clicked.connect(self._cancel_widening)
        self.form.limits.edited.connect(self._cancel_widening)  # the question no longer fits
        self.tabs.currentChanged.connect(self._move_record_parts)

    def _lay_out(self) -> None:
        buttons = row(self.discharge_button, self.save_button, stretch_at=1)
        confirm = row(self.confirm_question, self.confirm_button, self.cancel_button, stretch_at=1)
        self._actions.addWidget(buttons)
        self._actions.addWidget(confirm)
        # Tabs rather than side by side: at a panel's size both halves stay legible this way.
        self.tabs.addTab(column(self.patients, row(self.new_button, stretch_at=1)), "List")
        # The alarm limits have a page of their own: the record's fields fill a panel already.
        # scrolled: at 1080 lines the bed grid needs the height more than the form does
        self.tabs.addTab(column(scrolled(self.form)), "Record")
        self.tabs.addTab(column(scrolled(self.form.limits)), LIMITS_TITLE)
        self.tabs.setCornerWidget(self.form.heading)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _move_record_parts(self, index: int) -> None:
        """Both pages of one record share its notices (top) and its Save and Discharge (bottom)."""
        if index not in (RECORD_TAB, LIMITS_TAB):
            return
        move_onto(self.tabs.widget(index), top=self._notices, bottom=self._actions)

    def _name_limits_tab(self, own: int) -> None:
        # Seen from the record page too: this patient does not alarm at the ward's limits.
        title = f"{LIMITS_TITLE} \u00b7 {own} own" if own else LIMITS_TITLE
        self.tabs.setTabText(LIMITS_TAB, title)
        self._fit_heading()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_heading()

    def _fit_heading(self) -> None:
        """The record's name beside the tabs takes only the room they leave: every tab shows."""
        tabs = self.tabs.tabBar().sizeHint().width()
        self.form.heading.set_room(self.tabs.width() - tabs - HEADING_GAP)

