"""The alarm history as a table model, newest first, and the filter by bed and priority over it."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from stores.model import Alarm, Bed, Priority
from widgets import palette, vital_text
from widgets.alarm_history import text

COLUMNS = ("Raised", "Bed", "Patient", "Priority", "Kind", "Condition", "Acknowledged",
           "Response", "Resolved")  # "Response": the time from raised to acknowledged
PRIORITY_COLUMN = COLUMNS.index("Priority")
_HEADER_TIPS = {
    "Response": "Time from the alarm to its acknowledgement",
    "Resolved": "When the alarm left the banner: its condition cleared (a high-priority alarm "
                "also needs an acknowledgement). Latched: cleared, not yet acknowledged",
}
ALARM_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's Alarm record, for the filter and clicks
_Index = QModelIndex | QPersistentModelIndex


class AlarmHistoryModel(QAbstractTableModel):
    """One row per alarm (its latest version). Texts are made when asked for, so a week of a
    busy ward costs only the rows on screen."""

    def __init__(self, clock: Callable[[], float] = time.time, parent=None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._alarms: list[Alarm] = []
        self._bed_labels: dict[str, str] = {}
        self._now = clock()

    def set_alarms(self, alarms: list[Alarm]) -> None:
        self.beginResetModel()
        self._alarms = sorted(alarms, key=lambda a: (a.raised_at, a.id), reverse=True)
        self._now = self._clock()  # one "today" for every row of this load
        self.endResetModel()

    def set_bed_labels(self, beds: list[Bed]) -> None:
        self._bed_labels = {bed.id: bed.label for bed in beds}
        if self._alarms:
            column = COLUMNS.index("Bed")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._alarms) - 1, column))

    def alarms(self) -> list[Alarm]:
        return list(self._alarms)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's names)
        return 0 if parent.isValid() else len(self._alarms)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        alarm = self._alarms[index.row()]
        if role == ALARM_ROLE:
            return alarm
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(alarm, COLUMNS[index.column()])
        if index.column() == PRIORITY_COLUMN:
            return _priority_colours(alarm.priority, role)
        return None

    def bed_label(self, bed_id: str) -> str:
        if not bed_id:
            return "Station"  # a technical alarm of the station itself
        return self._bed_labels.get(bed_id) or vital_text.bed_label_from_id(bed_id)

    def _cell(self, alarm: Alarm, column: str) -> str:
        now = self._now
        if column == "Raised":
            return vital_text.clock_text(alarm.raised_at, now)
        if column == "Bed":
            return self.bed_label(alarm.bed_id)
        if column == "Patient":
            return alarm.patient_name or text.NONE
        if column == "Priority":
            return text.priority_text(alarm.priority)
        if column == "Kind":
            return text.KIND_NAMES[alarm.kind]
        if column == "Condition":
            return text.condition_text(alarm)
        if column == "Acknowledged":
            return text.acknowledged_text(alarm)
        if column == "Response":
            delay = text.time_to_acknowledge(alarm)
            return text.NONE if delay is None else text.duration_text(delay)
        return text.resolved_text(alarm)


def _priority_colours(priority: Priority, role: int) -> QColor | None:
    # The priority cell carries the IEC colour, steady: the history is a record, not a call.
    if role == Qt.ItemDataRole.BackgroundRole:
        return QColor(palette.ALARM_COLOURS[priority])
    if role == Qt.ItemDataRole.ForegroundRole:
        return QColor(palette.ALARM_TEXT_COLOURS[priority])
    return None


class AlarmFilter(QSortFilterProxyModel):
    """Keeps the rows of one bed and one priority (None: all), without asking the feed again."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bed_id: str | None = None
        self.priority: Priority | None = None

    def set_filter(self, bed_id: str | None, priority: Priority | None) -> None:
        self.beginFilterChange()
        self.bed_id, self.priority = bed_id, priority
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: _Index) -> bool:  # noqa: N802 (Qt's name)
        alarm: Alarm = self.sourceModel().index(row, 0, parent).data(ALARM_ROLE)
        return ((self.bed_id is None or alarm.bed_id == self.bed_id)
                and (self.priority is None or alarm.priority is self.priority))
