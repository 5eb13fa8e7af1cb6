"""The bed grid's ECG strips painted in one paint event a frame, over the tiles.

A frame changes a few columns of every tile's strip. Painted by each tile, that is one paint
event per tile (64 a frame on a two-screen ward, each a QPainter, a still pixmap and a trace
image); painted here, it is one. This widget lies over the grid, shaped (its mask) to the tiles'
strips only, and opaque there, so Qt paints no tile beneath a frame's columns; elsewhere the
tiles show through, and every click goes to them.

Every strip's trace layer lives in one canvas the size of the grid, each at its place, with the
tile's still image beneath it (the lead's name, an alarm's tint) baked into its pixels: a strip
is drawn with one image, clipped to the columns that changed. A strip not in the canvas as it is
(not sweeping: a stale marker, leads off; the still just changed; the tile just moved) is
painted by the tile's own code (`BedTile.paint_strip`), over it."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from widgets.bed_tile.tile import BedTile


class TraceOverlay(QWidget):
    """The strips of `tiles`, children of the same parent, painted over them."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("BedTraces")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel of the mask is drawn
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._tiles: list[BedTile] = []
        # each shown tile's strip, in this widget, and in the canvas (device pixels)
        self._strips: list[tuple[BedTile, QRect, QRect]] = []
        self._due = False  # a tile moved: `follow` is to be called
        # every strip's trace layer, each at its place (the tiles' layers draw into its memory)
        self._canvas: QImage | None = None
        self._canvas_px: np.ndarray | None = None

    def set_tiles(self, tiles: Iterable[BedTile]) -> None:
        self._tiles = list(tiles)
        for tile in self._tiles:
            tile.strip_moved = self.follow_soon
            tile.strip_changed = functools.partial(self._repaint_strip, tile)
        self.follow()

    def _repaint_strip(self, tile: BedTile) -> None:
        """Paint `tile`'s strip again at the next pass (Qt leaves what lies under this widget
        out of the tile's own repaint)."""
        strip = tile.strip_rect()
        if strip is not None:
            self.update(strip.translated(tile.pos()))

    def follow_soon(self) -> None:
        """A tile moved, was resized, shown or hidden, or laid its strip out again (an alarm
        row came): `follow` once the layout has settled (a layout moves every tile), or at the
        grid's next frame, whichever is first. Until then a tile's own paint events draw its
        strip too, so nothing is ever left undrawn."""
        if not self._due:
            self._due = True
            QTimer.singleShot(0, self, self.follow)

    def follow_if_due(self) -> None:
        if self._due:
            self.follow()

    def follow(self) -> None:
        """Cover the parent, shaped to where the tiles' strips are now; what changed is painted
        again: the strips at their new places, and the tiles where a strip no longer is."""
        self._due = False
        parent = self.parentWidget()
        if parent is None:
            return
        before = {tile: strip for tile, strip, _ in self._strips}
        before_shape = self.mask() if self.isVisible() else QRegion()
        if self.geometry() != parent.rect():
            self.setGeometry(parent.rect())
        self._strips = []
        shape = QRegion()
        ratio = self.devicePixelRatioF()
        for tile in self._tiles:
            strip = tile.strip_rect()
            if strip is None or not tile.isVisibleTo(parent):
                continue
            strip = strip.translated(tile.pos())
            source = QRect(round(strip.left() * ratio), round(strip.top() * ratio),
                           round(strip.width() * ratio), round(strip.height() * ratio))
            self._strips.append((tile, strip, source))
            shape += strip
        self._attach()
        after = {tile: strip for tile, strip, _ in self._strips}
        moved = [tile for tile in self._tiles if before.get(tile) != after.get(tile)]
        if not moved and after.keys() == before.keys():
            return
        # what the strips no longer cover is painted again by what lies there: the grid (its
        # spacing) and each tile whose strip moved (a parent's update alone left a tile's
        # pixels unpainted under the old shape)
        parent.update(before_shape.subtracted(shape))
        for tile in moved:
            tile.update()
        if shape.isEmpty():  # an empty mask would be no mask: covering everything
            self.hide()
            return
        self.setMask(shape)
        self.raise_()  # over tiles added since
        self.show()
        self.update()

    def _attach(self) -> None:
        """The canvas the size of this widget on its screen, and each strip's place in it (no
        canvas while the grid has no size: each strip keeps an image of its own)."""
        ratio = self.devicePixelRatioF()
        size = self.size() * ratio
        canvas = self._canvas
        if size.isEmpty():
            canvas = self._canvas = self._canvas_px = None
        elif canvas is None or canvas.size() != size or canvas.devicePixelRatio() != ratio:
            canvas = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            canvas.setDevicePixelRatio(ratio)
            canvas.fill(0)
            self._canvas = canvas  # its memory, once: never copied, so never detached
            self._canvas_px = np.frombuffer(canvas.bits(), np.uint32).reshape(canvas.height(), -1)
        for tile, strip, _ in self._strips:
            tile.ecg.use_canvas(canvas, self._canvas_px, strip.topLeft())

    def advance(self, now: float) -> None:
        """A frame: every tile's trace moves on to `now`; repaint the columns that changed."""
        steps: dict = {}  # tiles in step move alike: each step worked out once
        for tile, strip, _ in self._strips:
            for x0, x1 in tile.advance_columns(now, steps):
                self.update(strip.left() + x0, strip.top(), x1 - x0, strip.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        region = event.region()
        painter = QPainter(self)
        canvas = self._canvas
        for tile, strip, source in self._strips:
            if not region.intersects(strip):
                continue
            if canvas is not None and tile.strip_ready():
                # one image a strip, clipped to what changed: drawn in one go, the canvas's
                # thousands of clipped spans would be shared out to Qt's threads every frame
                painter.drawImage(strip.topLeft(), canvas, source)
                continue
            painter.save()  # a strip not in the canvas as it is, painted over it
            painter.translate(tile.pos())
            tile.paint_strip(painter)
            painter.restore()
        painter.end()
