"""Text for the cluster view and the drill's report, sized in units of the picture (so it reads
the same on a projector, a PNG and a page): one line cut with an ellipsis, or a paragraph
wrapped and made smaller until it fits. Dark on the screen, light on paper."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from widgets import palette


@dataclass(frozen=True)
class Scheme:
    background: str
    panel: str
    border: str
    text: str
    dim: str


DARK = Scheme(palette.BACKGROUND, palette.PANEL, palette.BORDER, palette.TEXT, palette.TEXT_DIM)
LIGHT = Scheme("#ffffff", "#f3f5f7", "#c5cdd5", "#14181c", "#56616c")


class Ink:
    """Draws text with `painter` at sizes given in `unit`s (pixels of the device)."""

    def __init__(self, painter: QPainter, unit: float, font: QFont,
                 scheme: Scheme = DARK) -> None:
        self.painter, self.unit, self.scheme = painter, unit, scheme
        self._font = QFont(font)

    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(self._font)
        font.setPixelSize(max(8, round(self.unit * size)))
        font.setBold(bold)
        return font

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """How wide `text` is drawn at `size`."""
        return QFontMetricsF(self.font(size, bold)).horizontalAdvance(text)

    def text(self, box: QRectF, text: str, size: float, colour: str,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, *,
             bold: bool = False) -> float:
        """Draw `text` in `box`, cut with an ellipsis if it does not fit; its width drawn."""
        painter = self.painter
        painter.setFont(self.font(size, bold))
        painter.setPen(QColor(colour))
        metrics = painter.fontMetrics()
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(box.width()))
        painter.drawText(box, int(align | Qt.AlignmentFlag.AlignVCenter), shown)
        return float(metrics.horizontalAdvance(shown))

    def paragraph(self, box: QRectF, text: str, size: float, colour: str, *,
                  bold: bool = False, smallest: float = 0.6,
                  align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> float:
        """Draw `text` wrapped in `box`, at `size` or smaller down to `smallest` until all of
        it fits (never cut: a verdict is read whole); the size drawn at."""
        flags = int(align | Qt.TextFlag.TextWordWrap)
        while True:
            font = self.font(size, bold)
            needed = QFontMetricsF(font).boundingRect(box, flags, text)
            if (needed.height() <= box.height() and needed.width() <= box.width()) \
                    or size <= smallest:
                break
            size = max(smallest, size * 0.9)
        self.painter.setFont(font)
        self.painter.setPen(QColor(colour))
        self.painter.drawText(box, flags, text)
        return size
