"""The patient record form: one patient's fields, their inline problems, and the record they make."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from functools import partial

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QVBoxLayout, QWidget

from stores import patient_text
from stores.model import AlarmLimits, Bed, Patient, Sex, Vital, patient_problems
from widgets.alarm_limits_editor import AlarmLimitsEditor, vital_of
from widgets.patient_form.fields import WEIGHT_HINT, parse_weight, split_items
from widgets.patient_form.grid import (
    LABELS,
    LIST_FIELDS,
    TEXT_FIELDS,
    change_signal,
    field_grid,
    make_fields,
)
from widgets.patient_form.notices import UnsavedBar, message_line
from widgets.record_heading import RecordHeading

# Fields whose text is checked at every keystroke (length, invisible characters).
CHECKED_AS_TYPED = (*TEXT_FIELDS, *LIST_FIELDS, "notes")
# Fields of the record the form does not show as one editor.
CONTEXT_LABELS = {"region": "Region", "ward": "Ward", "alarm_limits": "Alarm limits"}


class PatientForm(QWidget):
    """The fields of one patient, new (id "") or loaded for editing.

    The panel places the parts that are not in the field grid: the heading, the message line, the
    unsaved-changes bar and the alarm limits editor (`limits`), which has a page of its own.
    """

    def __init__(self, today: Callable[[], date] = date.today, parent: QWidget | None = None):
        super().__init__(parent)
        self._today = today
        self._region, self._ward = "", ""
        self._loaded: Patient | None = None
        self.heading = RecordHeading()  # names the record shown; the panel decides where it goes
        self.heading.setContentsMargins(0, 0, 4, 4)
        self.message = message_line()
        self.unsaved = UnsavedBar()
        self.limits = AlarmLimitsEditor()
        self.limits.edited.connect(self._on_edited)
        self._dirty = False
        self.fields = make_fields()
        for name, field in self.fields.items():
            change_signal(field.editor).connect(field.clear_problem)
            change_signal(field.editor).connect(self._on_edited)
            if name in CHECKED_AS_TYPED:
                change_signal(field.editor).connect(partial(self._check_as_typed, name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(field_grid(self.fields))
        layout.addStretch(1)
        self.load(None)

    @property
    def loaded(self) -> Patient | None:
        """The record being edited, or None for a new patient."""
        return self._loaded

    def has_unsaved_changes(self) -> bool:
        """Whether the user has edited a field or an alarm limit since the record was loaded."""
        return self._dirty

    def set_ward_limits(self, limits: dict[Vital, AlarmLimits]) -> None:
        self.limits.set_ward_limits(limits)

    def editor(self, name: str) -> QWidget:
        return self.fields[name].editor

    def set_context(self, region: str, ward: str) -> None:
        self._region, self._ward = region, ward
        self._show_heading()

    def set_beds(self, beds: list[Bed]) -> None:
        combo = self.editor("bed_id")
        chosen = combo.currentData()
        with QSignalBlocker(combo):  # new choices are not an edit by the user
            combo.clear()
            combo.addItem("No bed", None)
            for bed in sorted(beds, key=lambda b: b.position):
                combo.addItem(bed.label, bed.id)
            self._choose_bed(chosen)

    def load(self, patient: Patient | None) -> None:
        """Show `patient` for editing, or blank fields for a new patient when None."""
        self._loaded = patient
        shown = patient or Patient("", "", "", "", "", "", date.min)
        for name in TEXT_FIELDS:
            self.editor(name).setText(getattr(shown, name))
        for name in LIST_FIELDS:
            self.editor(name).setText(", ".join(getattr(shown, name)))
        self.editor("birth_date").set_birth_date(patient.birth_date if patient else None)
        self.editor("weight_kg").setText("" if shown.weight_kg is None else f"{shown.weight_kg:g}")
        sex = self.editor("sex")
        sex.setCurrentIndex(sex.findData(Sex(shown.sex).value))
        self._choose_bed(shown.bed_id)
        self.editor("notes").setPlainText(shown.notes)
        self.clear_problems()
        self.limits.load(shown.alarm_limits)
        self.show_message("")
        self.unsaved.hide()
        self._show_heading()
        self._dirty = False  # filling the editors above is not an edit by the user

    def record(self) -> Patient | None:
        """The record the fields make, or None after showing inline what stops it being saved."""
        self.clear_problems()
        problems: dict[str, str] = {}
        birth_date = self.editor("birth_date").birth_date()
        if birth_date is None:
            problems["birth_date"] = "Required."
        try:
            weight = parse_weight(self.editor("weight_kg").text())
        except ValueError:
            problems["weight_kg"] = WEIGHT_HINT
            weight = None
        alarm_limits, limit_problems = self.limits.limits()  # shown at their rows already
        patient = self._patient(birth_date or self._today(), weight, alarm_limits)
        for problem in patient_problems(patient, self._today()):
            if problem.field not in limit_problems:
                problems.setdefault(problem.field, problem.message)
        for name, message in problems.items():
            self.show_problem(name, message)
        if limit_problems and not problems:
            self.limits.focus_first_problem()
        problems.update(limit_problems)
        return None if problems else patient

    def problem_place(self) -> str | None:
        """Where a problem is shown: "fields", "limits" (the fields first), or None."""
        if any(not field.problem.isHidden() for field in self.fields.values()):
            return "fields"
        return "limits" if self.limits.has_problems() else None

    def show_problem(self, name: str, message: str) -> None:
        """Put `message` by the field `name`; at the top for a field the form does not show."""
        vital = vital_of(name)
        if vital is not None:
            self.limits.show_problem(vital, message)
            return
        field = self.fields.get(name)
        if field is None:
            label = LABELS.get(name) or CONTEXT_LABELS.get(name.partition(".")[0], name)
            self.show_message(f"{label}: {message}", "error")
            return
        field.show_problem(message)
        # The first field in reading order that is wrong is where the user starts mending.
        first = next(f for f in self.fields.values() if not f.problem.isHidden())
        first.editor.setFocus()

    def clear_problems(self) -> None:
        for field in self.fields.values():
            field.clear_problem()
        self.limits.clear_problems()

    def show_message(self, text: str, kind: str = "error") -> None:
        """A line at the top of the form: an error, the confirmation that a save worked, or
        that it is queued and not saved yet (`kind` "error", "saved" or "queued")."""
        self.message.setText(text)
        self.message.setObjectName({"saved": "Saved", "queued": "Queued"}.get(kind, "Error"))
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def _patient(self, birth_date: date, weight: float | None,
                 alarm_limits: tuple[AlarmLimits, ...]) -> Patient:
        base = self._loaded or Patient("", self._region, self._ward, "", "", "", birth_date)
        text = {name: nfc(self.editor(name).text().strip()) for name in TEXT_FIELDS}
        lists = {name: tuple(nfc(item) for item in split_items(self.editor(name).text()))
                 for name in LIST_FIELDS}
        return dataclasses.replace(
            base,
            **text,
            **lists,
            birth_date=birth_date,
            weight_kg=weight,
            sex=Sex(self.editor("sex").currentData()),
            bed_id=self.editor("bed_id").currentData(),
            notes=nfc(self.editor("notes").toPlainText().strip()),
            alarm_limits=alarm_limits,
        )

    def _choose_bed(self, bed_id: str | None) -> None:
        combo = self.editor("bed_id")
        index = 0 if bed_id is None else combo.findData(bed_id)
        if index < 0:  # a bed the ward list does not hold (yet): keep it rather than drop it
            combo.addItem(bed_id, bed_id)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _show_heading(self) -> None:
        who = self._loaded.full_name if self._loaded else "New patient"
        ward = self._loaded.ward if self._loaded else self._ward
        self.heading.show_record(who, ward)

    def _check_as_typed(self, name: str, *_args: object) -> None:
        """Say at once what the field's text may not hold, without moving the focus."""
        editor = self.editor(name)
        text = nfc(editor.toPlainText() if name == "notes" else editor.text())
        if name in LIST_FIELDS:
            problem = patient_text.list_problem(name, split_items(text))
        else:
            problem = patient_text.value_problem(name, text.strip())
        if problem:
            self.fields[name].show_problem(problem)

    def _on_edited(self, *_args: object) -> None:
        self._dirty = True
        self.show_message("")  # "Saved" or an old error no longer describes what is shown


def nfc(text: str) -> str:
    return patient_text.normalised(text)
