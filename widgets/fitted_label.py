"""A one-line label that never cuts its words unseen: it is given its text in full and in shorter
forms (the least needed words left out first), shows the first that fits its width, and where
none does, the shortest one cut with "…". `text()` is always the full text (tooltips, screen
readers, tests)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QWidget

ELLIPSIS = "\u2026"


def fitted_text(texts: Sequence[str], fits, elide) -> str:
    """The first of `texts` that `fits`, else the last one `elide`d."""
    for text in texts:
        if fits(text):
            return text
    return elide(texts[-1])


class FittedLabel(QLabel):
    """`whole=True`: never cut, the shortest form is the least width it takes (its minimum
    size); otherwise it may be cut, down to the minimum width it is given."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, whole: bool = False,
                 objectName: str = "") -> None:  # noqa: N803 (Qt's keyword)
        super().__init__(text, parent, objectName=objectName)
        self._texts: tuple[str, ...] = (text,)
        self._whole = whole

    def set_texts(self, texts: Sequence[str]) -> None:
        """The full text first, then shorter forms of it."""
        self._texts = tuple(texts) or ("",)
        self.setText(self._texts[0])  # after _texts: setText updates the geometry and repaints

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if not self._texts or self._texts[0] != text:
            self._texts = (text,)
        super().setText(text)

    def shown_text(self) -> str:
        """What is on screen at the present width."""
        metrics, width = self.fontMetrics(), self.contentsRect().width()
        return fitted_text(self._texts, lambda t: metrics.horizontalAdvance(t) <= width,
                           lambda t: metrics.elidedText(t, Qt.TextElideMode.ElideRight, width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        if not self._whole:
            return QSize(self.minimumWidth(), hint.height())
        margins = self.contentsMargins()
        least = self.fontMetrics().horizontalAdvance(self._texts[-1])
        return QSize(least + margins.left() + margins.right() + 2 * self.margin() + 1,
                     hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        QFrame.paintEvent(self, event)  # the style's frame, border and background
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(),
                                  int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
                                  self.palette(), self.isEnabled(), self.shown_text(),
                                  self.foregroundRole())
        painter.end()
