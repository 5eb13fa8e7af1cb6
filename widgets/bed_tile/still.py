"""A bed tile's still image (all but the ECG trace), kept in a pixmap: a new sample repaints only
the numbers' area of it, which can be done outside a paint event, a few tiles per frame."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QPainter, QPixmap

from widgets.bed_tile import paint as bed_tile_paint
from widgets.bed_tile.layout import TileLayout
from widgets.bed_tile.view import TileView


def base_key(view: TileView, size: QSize, ratio: float, focused: bool) -> tuple:
    """What the still shows apart from the numbers: when this changes, the tile is drawn whole."""
    return view.still_part, size.toTuple(), ratio, focused


def numbers_of(view: TileView) -> tuple:
    return view.numerics, view.trend


class TileStill:
    """The pixmap a tile copies from, and the same without its numbers (the background that
    their area is restored from before new numbers are drawn)."""

    def __init__(self) -> None:
        self.pixmap: QPixmap | None = None
        self._base: QPixmap | None = None
        self._key: tuple | None = None  # `base_key` of what the pixmaps show
        self._numbers: tuple | None = None  # `numbers_of` the view the pixmap shows

    def holds(self, key: tuple) -> bool:
        """Whether the pixmap shows this base (only its numbers may be older)."""
        if self.pixmap is None or key != self._key:
            return False
        # kept as asked: the next paint's key holds the same view, and tuples compare an
        # item that is the same object without comparing its fields
        self._key = key
        return True

    def numbers_current(self, view: TileView) -> bool:
        numbers = numbers_of(view)
        if self.pixmap is None or numbers != self._numbers:
            return False
        self._numbers = numbers  # as in `holds`
        return True

    def paint_all(self, rect: QRect, view: TileView, focused: bool, ratio: float) -> None:
        """Draw the still afresh: the base, then the numbers over a copy of it."""
        self._base = QPixmap(rect.size() * ratio)
        self._base.setDevicePixelRatio(ratio)
        painter = QPainter(self._base)
        parts = bed_tile_paint.paint_base(painter, rect, view, focused)
        painter.end()
        self.pixmap = self._base.copy()
        painter = QPainter(self.pixmap)
        bed_tile_paint.paint_numbers(painter, parts, view)
        painter.end()
        self._key = base_key(view, rect.size(), ratio, focused)
        self._numbers = numbers_of(view)

    def paint_numbers(self, parts: TileLayout, view: TileView) -> QRect:
        """Draw the view's numbers over the old ones (the base must be current); returns the
        area that changed."""
        area = bed_tile_paint.numbers_area(parts)
        painter = QPainter(self.pixmap)
        painter.setClipRect(area)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawPixmap(QPoint(0, 0), self._base)  # the clip keeps the copy to the area
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        bed_tile_paint.paint_numbers(painter, parts, view)
        painter.end()
        self._numbers = numbers_of(view)
        return area
