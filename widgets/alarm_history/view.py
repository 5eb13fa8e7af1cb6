"""The ward's alarm history: per-shift figures, filters by bed, priority and period, and a table."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from stores.model import Alarm, Bed, Priority, ShiftFigures
from widgets.alarm_history.model import ALARM_ROLE, AlarmFilter, AlarmHistoryModel
from widgets.alarm_history.shifts import ShiftFiguresBar
from widgets.alarm_history.text import PRIORITY_NAMES, RANGES, priority_text, range_text

DEFAULT_RANGE_S = 8 * 3600.0


class AlarmHistoryView(QWidget):
    """Shows what the feed loaded; filters by bed and priority itself, asks the feed for
    another period through `range_changed`."""

    range_changed = Signal(float)  # seconds back from now
    patient_selected = Signal(str)
    shown_changed = Signal(bool)  # the view became visible (True) or hidden: refresh only then

    def __init__(self, clock: Callable[[], float] = time.time,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shifts = ShiftFiguresBar()
        self.bed = QComboBox(objectName="HistoryBed")
        self.priority = QComboBox(objectName="HistoryPriority")
        self.period = QComboBox(objectName="HistoryPeriod")
        self.count = QLabel(objectName="Dim")
        self.model = AlarmHistoryModel(clock, self)
        self.filter = AlarmFilter(self)
        self.filter.setSourceModel(self.model)
        self.table = QTableView()
        self.message = QLabel(objectName="Hint", wordWrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._loaded = False
        self._fill_choices()
        self._build_table()
        self._build_layout()
        self.bed.currentIndexChanged.connect(self._apply_filter)
        self.priority.currentIndexChanged.connect(self._apply_filter)
        self.period.currentIndexChanged.connect(self._on_period)
        self.table.clicked.connect(self._on_clicked)
        self._show_state()

    def _fill_choices(self) -> None:
        self.bed.addItem("All beds", None)
        self.priority.addItem("All priorities", None)
        for priority in sorted(Priority, reverse=True):
            self.priority.addItem(priority_text(priority), priority)
        for seconds, words in RANGES:
            self.period.addItem(f"Last {words}", seconds)
        self.period.setCurrentIndex(self.period.findData(DEFAULT_RANGE_S))

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.filter)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(24)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Whole texts, scrolling sideways when narrow: an elided condition or name misleads.
        # Widths come from the rows on screen only (measuring a week of alarms takes seconds),
        # and only grow while scrolling, so the columns do not jump.
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(0)
        bar = table.verticalScrollBar()
        bar.valueChanged.connect(lambda _: self._fit_columns())
        bar.rangeChanged.connect(lambda *_: self._fit_columns())

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.setSpacing(6)
        for label, combo in (("Bed", self.bed), ("Priority", self.priority),
                             ("Period", self.period)):
            filters.addWidget(QLabel(label, objectName="Dim"))
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.count)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.shifts)
        layout.addLayout(filters)
        layout.addLayout(self._stack, 1)

    def range_s(self) -> float:
        return self.period.currentData()

    @Slot(list)
    def set_beds(self, beds: list[Bed]) -> None:
        """The ward's beds, for the bed filter and the labels; the chosen bed stays chosen."""
        chosen = self.bed.currentData()
        self.bed.blockSignals(True)
        self.bed.clear()
        self.bed.addItem("All beds", None)
        for bed in sorted(beds, key=lambda b: b.position):
            self.bed.addItem(bed.label, bed.id)
        self.bed.setCurrentIndex(max(0, self.bed.findData(chosen)))
        self.bed.blockSignals(False)
        self.model.set_bed_labels(beds)
        self._apply_filter()

    @Slot(list)
    def show_history(self, alarms: list[Alarm]) -> None:
        """The ward's alarms of the chosen period, latest version of each, in any order."""
        self._loaded = True
        self.model.set_alarms(alarms)
        self._show_state()
        self._fit_columns(grow_only=False)

    @Slot(list)
    def show_shifts(self, shifts: list[ShiftFigures]) -> None:
        self.shifts.show_shifts(shifts)

    @Slot(str)
    def show_shifts_unavailable(self, reason: str) -> None:
        self.shifts.show_unavailable(reason)

    def _apply_filter(self) -> None:
        self.filter.set_filter(self.bed.currentData(), self.priority.currentData())
        self._show_state()
        self._fit_columns(grow_only=False)

    def _fit_columns(self, grow_only: bool = True) -> None:
        header = self.table.horizontalHeader()
        for column in range(self.filter.columnCount() - 1):  # the last one stretches
            wanted = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            if not grow_only or wanted > header.sectionSize(column):
                header.resizeSection(column, wanted)

    def _on_period(self) -> None:
        self._show_state()
        self.range_changed.emit(self.range_s())

    def _show_state(self) -> None:
        shown, total = self.filter.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} of {total} alarms" if shown != total else
                           f"{total} alarm{'s' * (total != 1)}")
        self.count.setVisible(self._loaded)
        if shown:
            self._stack.setCurrentWidget(self.table)
            return
        self.message.setText(self._empty_text(total) if self._loaded else "Loading alarms\u2026")
        self._stack.setCurrentWidget(self.message)

    def _empty_text(self, total: int) -> str:
        period = f"in the last {range_text(self.range_s())}"
        if not total:
            return f"No alarms {period}"
        priority: Priority | None = self.priority.currentData()
        what = f"{PRIORITY_NAMES[priority].lower()}-priority alarms" if priority else "alarms"
        bed = f" for {self.bed.currentText()}" if self.bed.currentData() else ""
        return f"No {what}{bed} {period}"

    def _on_clicked(self, index: QModelIndex) -> None:
        alarm: Alarm = index.data(ALARM_ROLE)
        if alarm.patient_id:
            self.patient_selected.emit(alarm.patient_id)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._fit_columns()
        self.shown_changed.emit(True)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self.shown_changed.emit(False)
