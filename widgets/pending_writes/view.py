"""The Pending writes screen: queued and refused writes (who, when, what), and for a refused one
the current record beside the user's entries, with Apply again and Discard."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stores.model import Patient, PendingWrite
from widgets import palette
from widgets.pending_writes.compare import RecordComparison

HEADERS = ("State", "Made", "Who", "What", "Store")
STATE_WORDS = {"queued": "\u25d4 Queued", "refused": "\u26a0 Refused"}
NOTHING = "Nothing pending: every write has reached its store."


def made_text(made_at: float) -> str:
    return datetime.fromtimestamp(made_at).strftime("%Y-%m-%d %H:%M:%S")


class PendingWritesView(QWidget):
    """Lists the writes; Apply again and Discard act on the refused one selected."""

    current_requested = Signal(str, int)  # store, seq: the record a refused write would change
    apply_again_requested = Signal(str, int)
    discard_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._writes: list[PendingWrite] = []
        self._location = ""
        self.summary = QLabel(NOTHING, wordWrap=True)
        self.table = _write_table()
        self.detail = _Detail()
        self.detail.apply_button.clicked.connect(lambda: self._act(self.apply_again_requested))
        self.detail.confirm_button.clicked.connect(lambda: self._act(self.discard_requested))
        self.table.itemSelectionChanged.connect(self._on_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail, 3)
        self.detail.hide()

    @Slot(str)
    def set_location(self, path: str) -> None:
        """Where the writes are kept: the station's data file."""
        self._location = path
        self._show_summary()

    @Slot(list)
    def show_writes(self, writes: list[PendingWrite]) -> None:
        chosen = self.selected()
        with QSignalBlocker(self.table):  # refilling is not the user choosing another write
            self._fill(writes)
            self._select(chosen)
        now = self.selected()
        if _key(now) != _key(chosen) or (now is not None and now.refused != chosen.refused):
            self._on_selected()
        self._show_summary()

    def _fill(self, writes: list[PendingWrite]) -> None:
        self._writes = list(writes)
        self.table.setRowCount(len(writes))
        for row, write in enumerate(writes):
            texts = (STATE_WORDS[write.state], made_text(write.made_at), write.user, write.what,
                     write.store)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(write.refused or text)
                if write.refused is not None:
                    item.setForeground(QColor(palette.DOWN))
                self.table.setItem(row, column, item)

    @Slot(object, object)
    def show_current(self, write: PendingWrite, current: Patient | None) -> None:
        selected = self.selected()
        if selected is not None and (selected.store, selected.seq) == (write.store, write.seq):
            self.detail.compare(current, write.record)

    @Slot(str)
    def show_done(self, message: str) -> None:
        self.detail.say(message, palette.UP)

    @Slot(str)
    def show_failed(self, message: str) -> None:
        self.detail.say(message, palette.DOWN)

    def selected(self) -> PendingWrite | None:
        rows = self.table.selectionModel().selectedRows()
        return self._writes[rows[0].row()] if rows and rows[0].row() < len(self._writes) else None

    def _select(self, write: PendingWrite | None) -> None:
        keys = [_key(w) for w in self._writes]
        if write is not None and _key(write) in keys:
            self.table.selectRow(keys.index(_key(write)))
        elif self._writes and self._writes[0].refused is not None:
            self.table.selectRow(0)  # the refused come first: the one needing a decision
        else:
            self.table.clearSelection()

    def _show_summary(self) -> None:
        refused = sum(w.refused is not None for w in self._writes)
        where = f" They are kept in {html.escape(self._location)}." if self._location else ""
        if not self._writes:
            self.summary.setText(NOTHING)
            return
        self.summary.setText(
            f"<b>{len(self._writes) - refused} queued, not saved yet \u00b7 {refused} refused by "
            f"their store</b>. Queued writes are delivered in order when their store returns, "
            f"also after a restart.{where}")

    def _on_selected(self) -> None:
        write = self.selected()
        self.detail.show_write(write)
        if write is not None and write.refused is not None and write.record is not None:
            self.current_requested.emit(write.store, write.seq)

    def _act(self, signal: Signal) -> None:
        write = self.selected()
        self.detail.ask_discard(False)
        if write is not None and write.refused is not None:
            signal.emit(write.store, write.seq)


def _key(write: PendingWrite | None) -> tuple[str, int] | None:
    return None if write is None else (write.store, write.seq)


def _write_table() -> QTableWidget:
    table = QTableWidget(0, len(HEADERS))
    table.setHorizontalHeaderLabels(HEADERS)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    for column in range(len(HEADERS)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    return table


class _Detail(QWidget):
    """The selected write: why it was refused, both records, the two actions."""

    def __init__(self) -> None:
        super().__init__()
        self.reason = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.comparison = RecordComparison()
        self.apply_button = QPushButton("Apply again onto the current version")
        self.discard_button = QPushButton("Discard\u2026")
        self.question = QLabel("<b>Discard this write?</b> It is recorded in the audit log.")
        self.confirm_button = QPushButton("Discard")
        self.cancel_button = QPushButton("Cancel")
        self.message = QLabel(wordWrap=True)
        self.overwrite = QLabel(wordWrap=True)  # what Apply again would change, said before it
        self.overwrite.setStyleSheet(f"color: {palette.DEGRADED};")
        self._actions = QStackedWidget()
        self._actions.addWidget(_row(self.apply_button, self.discard_button))
        self._actions.addWidget(_row(self.question, self.confirm_button, self.cancel_button))
        self.discard_button.clicked.connect(lambda: self.ask_discard(True))
        self.cancel_button.clicked.connect(lambda: self.ask_discard(False))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.reason, self.comparison, self.overwrite, self.message,
                       self._actions):
            layout.addWidget(widget, 1 if widget is self.comparison else 0)

    def show_write(self, write: PendingWrite | None) -> None:
        self.message.hide()
        self.ask_discard(False)
        self.setVisible(write is not None)
        if write is None:
            return
        refused = write.refused is not None
        said = (f"<b style='color:{palette.DOWN}'>Refused by the {write.store} store:</b> "
                f"{html.escape(write.refused)}" if refused else
                f"<b style='color:{palette.DEGRADED}'>Queued, not saved yet:</b> delivered "
                "when the store returns.")
        self.reason.setText(f"{said}<br>{html.escape(write.what)} \u00b7 made by "
                            f"{html.escape(write.user)} at {made_text(write.made_at)}")
        self.comparison.setVisible(write.record is not None)
        self.comparison.compare(None, write.record)
        self.overwrite.hide()
        self._actions.setVisible(refused)

    def compare(self, current: Patient | None, mine: Patient | None) -> None:
        differ = self.comparison.compare(current, mine)
        if current is None:
            self.overwrite.setText("This patient is no longer admitted: applying again is "
                                   "refused; discard the write once you have noted it.")
        else:
            self.overwrite.setText(
                f"Apply again saves your entries as a change of version {current.version}: the "
                f"{len(differ)} field(s) marked \u25c6 take your values, over what is stored now.")
        self.overwrite.show()

    def ask_discard(self, asking: bool) -> None:
        self._actions.setCurrentIndex(1 if asking else 0)
        if asking:
            self.cancel_button.setFocus()  # a stray Enter must not discard anything

    def say(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.message.show()


def _row(*widgets: QWidget) -> QWidget:
    line = QWidget()
    layout = QHBoxLayout(line)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return line
