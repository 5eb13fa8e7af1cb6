"""The ward's patient list with its search box: "Bed 7 · Family, Given · MRN" rows."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from stores.model import Bed, Patient

SEARCH_DELAY_MS = 200  # one search per pause in typing, not one per key


class PatientList(QWidget):
    """A search box above the patients of a ward, in bed order; patients without a bed last."""

    search_changed = Signal(str)
    patient_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._beds: dict[str, Bed] = {}
        self._patients: list[Patient] = []
        self.search = QLineEdit(placeholderText="Search name, MRN or bed", clearButtonEnabled=True)
        self.rows = QListWidget()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit_search)
        self.search.textChanged.connect(self._restart_search_timer)
        self.rows.currentItemChanged.connect(self._on_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.rows, 1)
        self.show_patients([])

    def row_texts(self) -> list[str]:
        return [self.rows.item(i).text() for i in range(self.rows.count())]

    @Slot(list)
    def set_beds(self, beds: list[Bed]) -> None:
        self._beds = {bed.id: bed for bed in beds}
        self.show_patients(self._patients)

    @Slot(list)
    def show_patients(self, patients: list[Patient]) -> None:
        chosen = self.selected_id()
        self._patients = sorted(patients, key=self._order)
        with QSignalBlocker(self.rows):  # refilling the list is not the user picking a patient
            self.rows.clear()
            for patient in self._patients:
                item = QListWidgetItem(self._row_text(patient))
                item.setData(Qt.ItemDataRole.UserRole, patient.id)
                self.rows.addItem(item)
            if not self._patients:
                empty = QListWidgetItem("No patients")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                self.rows.addItem(empty)
        self.select(chosen)

    def select(self, patient_id: str | None) -> None:
        """Highlight a patient's row (no row for None) without reporting it as the user's choice."""
        with QSignalBlocker(self.rows):
            self.rows.setCurrentRow(-1)
            for row in range(self.rows.count()):
                if patient_id and self.rows.item(row).data(Qt.ItemDataRole.UserRole) == patient_id:
                    self.rows.setCurrentRow(row)

    def selected_id(self) -> str | None:
        item = self.rows.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _row_text(self, patient: Patient) -> str:
        bed = self._beds.get(patient.bed_id or "")
        where = bed.label if bed else (patient.bed_id or "No bed")
        return f"{where} · {patient.family_name}, {patient.given_name} · {patient.mrn}"

    def _order(self, patient: Patient) -> tuple:
        bed = self._beds.get(patient.bed_id or "")
        position = bed.position if bed else float("inf")
        return (position, patient.family_name.casefold(), patient.given_name.casefold())

    def _on_current_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.patient_selected.emit(item.data(Qt.ItemDataRole.UserRole))

    def _restart_search_timer(self, _text: str) -> None:
        self._search_timer.start()

    def _emit_search(self) -> None:
        self.search_changed.emit(self.search.text().strip())
