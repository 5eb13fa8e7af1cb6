"""The fields of the patient form: their editors, their names, and how they sit in a grid."""

from __future__ import annotations

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from stores.model import Sex
from widgets.patient_form.fields import BirthDateEdit, FormField

# By the names of the Patient fields, which are also the names ValidationError uses.
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
}
TEXT_FIELDS = ("mrn", "given_name", "family_name")
LIST_FIELDS = ("diagnoses", "allergies", "medications")  # one line each, comma-separated
# Short fields share a row; the list fields and notes take the whole width.
PAIRED_ROWS = (("mrn", "sex"), ("given_name", "family_name"), ("birth_date", "weight_kg"))
WIDE_ROWS = ("bed_id", *LIST_FIELDS, "notes")


def make_fields() -> dict[str, FormField]:
    """Every field of the form, in reading order, each with its editor and a hidden problem line."""
    sex = QComboBox()
    for choice in Sex:
        sex.addItem(choice.value.capitalize(), choice.value)
    notes = QPlainTextEdit(tabChangesFocus=True)
    notes.setFixedHeight(notes.fontMetrics().lineSpacing() * 2 + 12)
    special = {"sex": sex, "birth_date": BirthDateEdit(), "bed_id": QComboBox(), "notes": notes}
    editors = {name: special[name] if name in special else QLineEdit() for name in LABELS}
    editors["weight_kg"].setPlaceholderText("e.g. 72.5")
    for name in LIST_FIELDS:
        editors[name].setPlaceholderText("comma-separated")
    return {name: FormField(editor) for name, editor in editors.items()}


def field_grid(fields: dict[str, FormField]) -> QGridLayout:
    """Label and field side by side, two pairs to a row where the fields are short."""
    grid = QGridLayout()
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(6)
    grid.setVerticalSpacing(4)
    for row, names in enumerate(PAIRED_ROWS):
        for column, name in enumerate(names):
            _add(grid, name, fields[name], row, column * 2, 1)
    for row, name in enumerate(WIDE_ROWS, start=len(PAIRED_ROWS)):
        _add(grid, name, fields[name], row, 0, 3)
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(3, 1)
    return grid


def change_signal(editor: QWidget) -> SignalInstance:
    """The signal an editor sends when its value changes (for line edits: by the user only)."""
    if isinstance(editor, QLineEdit):
        return editor.textEdited
    if isinstance(editor, QComboBox):
        return editor.activated
    if isinstance(editor, QDateEdit):
        return editor.dateChanged
    return editor.textChanged


def _add(grid: QGridLayout, name: str, field: FormField, row: int, column: int, span: int) -> None:
    label = QLabel(LABELS[name])
    label.setBuddy(field.editor)
    # Level with the editor, not with the editor plus the problem line that may open under it.
    label.setMinimumHeight(min(field.editor.sizeHint().height(), field.editor.maximumHeight()))
    grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)
    grid.addWidget(field, row, column + 1, 1, span, Qt.AlignmentFlag.AlignTop)
