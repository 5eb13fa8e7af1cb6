"""The per-shift alarm figures above the history: a box per shift, this shift first."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from stores.model import ShiftFigures
from widgets import palette
from widgets.alarm_history.text import shift_details, shift_lines, shift_title

NO_FIGURES = "No shift figures yet"


class ShiftBox(QFrame):
    """One shift: its name, its alarms per bed per hour, its time to acknowledge."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShiftBox")
        self.title = QLabel(objectName="ShiftTitle")
        self.burden = QLabel(wordWrap=True)
        self.response = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 5)
        layout.setSpacing(1)
        for label in (self.title, self.burden, self.response):
            layout.addWidget(label)

    def show_figures(self, position: int, figures: ShiftFigures) -> None:
        self.title.setText(shift_title(position, figures))
        burden, response = shift_lines(figures)
        self.burden.setText(burden)
        self.response.setText(response)
        self.setToolTip(shift_details(figures))


class ShiftFiguresBar(QWidget):
    """A box per shift, side by side; or one line saying why there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(
            f"#ShiftBox {{ border: 1px solid {palette.BORDER}; border-radius: 3px;"
            f" background-color: {palette.BACKGROUND}; }}"
            " #ShiftTitle { font-weight: bold; }")
        self.message = QLabel(NO_FIGURES, objectName="Hint", wordWrap=True)
        self.boxes: list[ShiftBox] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addWidget(self.message, 1)

    @Slot(list)
    def show_shifts(self, shifts: list[ShiftFigures]) -> None:
        while len(self.boxes) < len(shifts):
            self.boxes.append(ShiftBox())
            self._layout.addWidget(self.boxes[-1], 1)
        for position, (box, figures) in enumerate(zip(self.boxes, shifts)):
            box.show_figures(position, figures)
        for index, box in enumerate(self.boxes):
            box.setVisible(index < len(shifts))
        self._say(NO_FIGURES, palette.TEXT_DIM)
        self.message.setVisible(not shifts)

    @Slot(str)
    def show_unavailable(self, reason: str) -> None:
        """The figures come from the analytics store; the history can still be shown without."""
        for box in self.boxes:
            box.hide()
        self._say(f"Shift figures unavailable: {reason}", palette.DEGRADED)
        self.message.show()

    def _say(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour};")
