"""The name of the record a form shows, shortened with "…" to the room it is given."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget


class RecordHeading(QLabel):
    """Reads "<b>Jane Doe</b> · north-1". Beside a row of tabs it takes only the room they
    leave, so that no tab is pushed out of sight: the ward gives way first, then the name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._who, self._where = "", ""
        self._room: int | None = None  # px it may take; None: as wide as its text

    def show_record(self, who: str, where: str) -> None:
        self._who, self._where = who, where
        self.setToolTip(f"{who} \u00b7 {where}" if where else who)
        self._fit()

    def set_room(self, room: int | None) -> None:
        if room != self._room:
            self._room = room
            self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        if self._room is not None:
            hint.setWidth(min(hint.width(), max(self._room, 0)))
        return hint

    def full_text(self) -> str:
        return self.toolTip()

    def _fit(self) -> None:
        where = f" \u00b7 {self._where}" if self._where else ""
        margins = self.contentsMargins().left() + self.contentsMargins().right()
        room = (10**6 if self._room is None else self._room) - margins
        bold = QFont(self.font())
        bold.setBold(True)
        if QFontMetrics(bold).horizontalAdvance(self._who) + self._advance(where) > room:
            where = ""  # too narrow for both: the name matters more than the ward
        who = QFontMetrics(bold).elidedText(self._who, Qt.TextElideMode.ElideRight,
                                            max(room - self._advance(where), 0))
        self.setText(f"<b>{html.escape(who)}</b>{html.escape(where)}" if who else "")
        self.updateGeometry()

    def _advance(self, text: str) -> int:
        return self.fontMetrics().horizontalAdvance(text)
