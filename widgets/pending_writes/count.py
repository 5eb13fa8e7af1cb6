"""The status bar's "3 pending" button, which opens the Pending writes screen."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QPushButton, QWidget

from widgets import palette


class PendingCount(QPushButton):
    """Hidden while nothing is pending; amber while writes wait, red once one was refused."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="PendingCount", flat=True)
        self.setToolTip("Writes kept at this station that their store has not taken yet: "
                        "open Pending writes")
        self.show_counts(0, 0)

    @Slot(int, int)
    def show_counts(self, waiting: int, refused: int) -> None:
        text = f"{waiting + refused} pending" + (f" \u00b7 {refused} refused" if refused else "")
        self.setText(f"\u25d4 {text}")
        colour = palette.DOWN if refused else palette.DEGRADED
        self.setStyleSheet(f"QPushButton#PendingCount {{ color: {colour}; font-weight: bold;"
                           f" border: 1px solid {colour}; border-radius: 3px; padding: 1px 8px; }}")
        self.setHidden(waiting + refused == 0)
