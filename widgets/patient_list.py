"""The ward's patient list with its search box: "Bed 7 · Family, Given · MRN" rows."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from stores.model import Bed, Patient, PendingWrite
from widgets import palette

SEARCH_DELAY_MS = 200  # one search per pause in typing, not one per key
# what a row says of a patient whose change waits in the outbox or was refused there
MARKS = {"queued": "\u25d4 QUEUED, not saved", "refused": "\u26a0 REFUSED, not saved"}


class PatientList(QWidget):
    """A search box above the patients of a ward, in bed order; patients without a bed last."""

    search_changed = Signal(str)
    patient_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._beds: dict[str, Bed] = {}
        self._patients: list[Patient] = []
        self._pending: dict[str, PendingWrite] = {}  # patient id -> its latest pending write
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
    def set_pending(self, writes: list[PendingWrite]) -> None:
        """The patients' writes kept in the outbox (queued, or refused on delivery): their rows
        are marked, and a queued admission the store does not list yet gets a row of its own."""
        self._pending = {}
        for write in sorted(writes, key=lambda w: (w.refused is not None, w.made_at)):
            if write.store == "patients" and write.patient_id:
                self._pending[write.patient_id] = write  # a refused one outranks a queued one
        self.show_patients(self._patients)

    def pending_mark(self, patient_id: str) -> str:
        write = self._pending.get(patient_id)
        return MARKS[write.state] if write is not None else ""

    @Slot(list)
    def show_patients(self, patients: list[Patient]) -> None:
        chosen = self.selected_id()
        self._patients = sorted(patients, key=self._order)
        listed = {patient.id for patient in self._patients}
        admitting = [w.record for w in self._pending.values() if w.record is not None
                     and w.operation == "patients.admit" and w.record.id not in listed]
        with QSignalBlocker(self.rows):  # refilling the list is not the user picking a patient
            self.rows.clear()
            for patient in self._patients + sorted(admitting, key=self._order):
                self.rows.addItem(self._row(patient))
            if not self._patients and not admitting:
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

    def _row(self, patient: Patient) -> QListWidgetItem:
        item = QListWidgetItem(self._row_text(patient))
        item.setData(Qt.ItemDataRole.UserRole, patient.id)
        mark = self.pending_mark(patient.id)
        if mark:
            item.setText(f"{item.text()}  \u00b7  {mark}")
            item.setForeground(QColor(palette.DEGRADED if mark == MARKS["queued"]
                                      else palette.DOWN))
            item.setToolTip(f"{self._pending[patient.id].what}: kept at this station, "
                            "not saved in the patient store yet")
        return item

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
