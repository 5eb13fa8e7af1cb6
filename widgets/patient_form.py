"""The patient record form: one patient's fields, their inline problems, and the record they make."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QSignalBlocker, Qt, SignalInstance
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from stores.model import Bed, Patient, Sex, patient_problems
from widgets import palette
from widgets.patient_fields import (
    WEIGHT_HINT,
    BirthDateEdit,
    FormField,
    parse_weight,
    split_items,
)

LABELS = {
    "mrn": "MRN",
    "sex": "Sex",
    "given_name": "Given name",
    "family_name": "Family name",
    "birth_date": "Birth date",
    "weight_kg": "Weight kg",
    "bed_id": "Bed",
    "diagnoses": "Diagnoses",
    "allergies": "Allergies",
    "medications": "Medications",
    "notes": "Notes",
    "region": "Region",
    "ward": "Ward",
}
# Short fields share a row; the list fields and notes take the whole width.
PAIRED_ROWS = (("mrn", "sex"), ("given_name", "family_name"), ("birth_date", "weight_kg"))
WIDE_ROWS = ("bed_id", "diagnoses", "allergies", "medications", "notes")
# Errors take the theme's #Error colour; the theme has no colour for a save that worked.
STYLE = f"QLabel#Saved {{ color: {palette.UP}; }} QLabel#Error, QLabel#Saved {{ font-weight: bold; }}"


class PatientForm(QWidget):
    """The fields of one patient, new (id "") or loaded for editing."""

    def __init__(self, today: Callable[[], date] = date.today, parent: QWidget | None = None):
        super().__init__(parent)
        self._today = today
        self._region, self._ward = "", ""
        self._loaded: Patient | None = None
        self.heading = QLabel()  # names the record shown; the panel decides where it goes
        self.heading.setContentsMargins(0, 0, 4, 4)
        self.message = QLabel(wordWrap=True)
        self.message.hide()
        self.fields = self._make_fields()
        self.setStyleSheet(STYLE)
        self._lay_out()
        self.load(None)

    @property
    def loaded(self) -> Patient | None:
        """The record being edited, or None for a new patient."""
        return self._loaded

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
        for name in ("mrn", "given_name", "family_name"):
            self.editor(name).setText(getattr(shown, name))
        for name in ("diagnoses", "allergies", "medications"):
            self.editor(name).setText(", ".join(getattr(shown, name)))
        self.editor("birth_date").set_birth_date(patient.birth_date if patient else None)
        self.editor("weight_kg").setText("" if shown.weight_kg is None else f"{shown.weight_kg:g}")
        sex = self.editor("sex")
        sex.setCurrentIndex(sex.findData(Sex(shown.sex).value))
        self._choose_bed(shown.bed_id)
        self.editor("notes").setPlainText(shown.notes)
        self.clear_problems()
        self.show_message("")
        self._show_heading()

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
        patient = self._patient(birth_date or self._today(), weight)
        for problem in patient_problems(patient, self._today()):
            problems.setdefault(problem.field, problem.message)
        for name, message in problems.items():
            self.show_problem(name, message)
        return None if problems else patient

    def show_problem(self, name: str, message: str) -> None:
        """Put `message` by the field `name`; at the top for a field the form does not show."""
        field = self.fields.get(name)
        if field is None:
            self.show_message(f"{LABELS.get(name, name)}: {message}", "error")
            return
        field.show_problem(message)
        # The first field in reading order that is wrong is where the user starts mending.
        first = next(f for f in self.fields.values() if not f.problem.isHidden())
        first.editor.setFocus()

    def clear_problems(self) -> None:
        for field in self.fields.values():
            field.clear_problem()

    def show_message(self, text: str, kind: str = "error") -> None:
        """A line at the top of the form: an error, or the confirmation that a save worked."""
        self.message.setText(text)
        self.message.setObjectName("Saved" if kind == "saved" else "Error")
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def _patient(self, birth_date: date, weight: float | None) -> Patient:
        base = self._loaded or Patient("", self._region, self._ward, "", "", "", birth_date)
        text = {name: self.editor(name).text().strip() for name in ("mrn", "given_name", "family_name")}
        lists = {name: split_items(self.editor(name).text()) for name in ("diagnoses", "allergies", "medications")}
        return dataclasses.replace(
            base,
            **text,
            **lists,
            birth_date=birth_date,
            weight_kg=weight,
            sex=Sex(self.editor("sex").currentData()),
            bed_id=self.editor("bed_id").currentData(),
            notes=self.editor("notes").toPlainText().strip(),
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
        self.heading.setText(f"<b>{who}</b> · {ward}" if ward else f"<b>{who}</b>")

    def _make_fields(self) -> dict[str, FormField]:
        sex = QComboBox()
        for choice in Sex:
            sex.addItem(choice.value.capitalize(), choice.value)
        notes = QPlainTextEdit()
        notes.setTabChangesFocus(True)
        notes.setFixedHeight(notes.fontMetrics().lineSpacing() * 2 + 12)
        editors: dict[str, QWidget] = {name: QLineEdit() for name in LABELS if name not in ("region", "ward")}
        editors.update(sex=sex, birth_date=BirthDateEdit(), bed_id=QComboBox(), notes=notes)
        editors["weight_kg"].setPlaceholderText("e.g. 72.5")
        for name in ("diagnoses", "allergies", "medications"):
            editors[name].setPlaceholderText("comma-separated")
        return {name: self._watched(FormField(editor)) for name, editor in editors.items()}

    def _watched(self, field: FormField) -> FormField:
        changed = _change_signal(field.editor)
        changed.connect(field.clear_problem)
        changed.connect(self._on_edited)
        return field

    def _on_edited(self, *_args: object) -> None:
        self.show_message("")  # "Saved" or an old error no longer describes what is shown

    def _lay_out(self) -> None:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        for row, names in enumerate(PAIRED_ROWS):
            for column, name in enumerate(names):
                self._add_field(grid, name, row, column * 2, 1)
        for row, name in enumerate(WIDE_ROWS, start=len(PAIRED_ROWS)):
            self._add_field(grid, name, row, 0, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.message)
        layout.addLayout(grid)
        layout.addStretch(1)

    def _add_field(self, grid: QGridLayout, name: str, row: int, column: int, span: int) -> None:
        editor = self.fields[name].editor
        label = QLabel(LABELS[name])
        label.setBuddy(editor)
        # Level with the editor, not with the editor plus the problem line under it.
        label.setMinimumHeight(min(editor.sizeHint().height(), editor.maximumHeight()))
        grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.fields[name], row, column + 1, 1, span, Qt.AlignmentFlag.AlignTop)


def _change_signal(editor: QWidget) -> SignalInstance:
    """The signal an editor sends when its value changes (for line edits: by the user only)."""
    if isinstance(editor, QLineEdit):
        return editor.textEdited
    if isinstance(editor, QComboBox):
        return editor.activated
    if isinstance(editor, QDateEdit):
        return editor.dateChanged
    return editor.textChanged
