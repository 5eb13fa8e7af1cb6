"""The chart's range buttons: live 10 minutes, then past ranges up to 7 days."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

LIVE = "Live 10 min"
# label -> seconds back from now; None is the live view
RANGES: dict[str, float | None] = {
    LIVE: None,
    "1 h": 3600.0,
    "8 h": 8 * 3600.0,
    "24 h": 86400.0,
    "72 h": 3 * 86400.0,
    "7 days": 7 * 86400.0,
}

_STYLE = ("QPushButton { padding: 2px 8px; }"
          " QPushButton:checked { background-color: #2f6f9f; border-color: #3ec9f0; }")


class RangeBar(QWidget):
    """A row of exclusive buttons; `range_chosen(label)` when the user picks one."""

    range_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(_STYLE)
        self._group = QButtonGroup(self, exclusive=True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.buttons: dict[str, QPushButton] = {}
        for label in RANGES:
            button = QPushButton(label, checkable=True, objectName="RangeButton")
            button.clicked.connect(lambda _checked, label=label: self.range_chosen.emit(label))
            self._group.addButton(button)
            layout.addWidget(button)
            self.buttons[label] = button
        self.buttons[LIVE].setChecked(True)

    def chosen(self) -> str:
        return next(label for label, button in self.buttons.items() if button.isChecked())

    @Slot(str)
    def show_chosen(self, label: str) -> None:
        """Mark `label` as chosen without telling anyone (the chart chose it)."""
        self.buttons[label].setChecked(True)

    def choose(self, label: str) -> None:
        """As if the user clicked `label`."""
        self.buttons[label].click()
