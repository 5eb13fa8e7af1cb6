"""A refused patient write beside the record as it is stored now, field by field."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from stores.model import Patient
from widgets import palette

FIELDS = {  # the Patient fields a nurse compares, in the form's words
    "mrn": "MRN", "given_name": "Given name", "family_name": "Family name",
    "birth_date": "Birth date", "sex": "Sex", "bed_id": "Bed", "weight_kg": "Weight kg",
    "diagnoses": "Diagnoses", "allergies": "Allergies", "medications": "Medications",
    "notes": "Notes", "alarm_limits": "Alarm limits", "version": "Version",
}
HEADERS = ("Field", "Current record", "Your entries")


def value_text(patient: Patient | None, name: str) -> str:
    if patient is None:
        return "(no such patient now)" if name == "mrn" else ""
    value = getattr(patient, name)
    if name == "alarm_limits":
        return ", ".join(f"{lim.vital.value} {lim.low}-{lim.high}" for lim in value) or "ward's"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    return "" if value is None else str(value)


class RecordComparison(QTableWidget):
    """Field | Current record | Your entries; the rows that differ are marked."""

    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        self.setHorizontalHeaderLabels(HEADERS)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def compare(self, current: Patient | None, mine: Patient | None) -> list[str]:
        """Show both; returns the names of the fields that differ."""
        differ = []
        self.setRowCount(len(FIELDS))
        for row, (name, label) in enumerate(FIELDS.items()):
            theirs, ours = value_text(current, name), value_text(mine, name)
            changed = theirs != ours and name != "version"
            if changed:
                differ.append(name)
            for column, text in enumerate((label + (" \u25c6" if changed else ""), theirs, ours)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if changed:
                    item.setForeground(QColor(palette.DEGRADED))
                self.setItem(row, column, item)
        return differ
