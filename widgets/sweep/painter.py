"""The sweep drawn with QPainter, for the bed tiles and the selected bed's strips: the trace kept
in an image (`trace`'s layer, a few columns changed a frame), blitted over the widget; no line is
drawn in a paint event."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from stores.model import Waveform, WaveformChunk
from widgets import palette
from widgets.sweep import scale
from widgets.sweep.model import HEAD_DELAY_S, Sweep
from widgets.sweep.trace import TraceLayer

GAIN_MM_PER_MV = 10.0  # the standard ECG gain, lowered where a strip is too short for it
SPAN_MV = 2.2  # what a strip must hold: a 1.5 mV R wave over a -0.7 mV S wave
BASELINE = 0.68  # the isoelectric line, this far down the strip: R waves go up
# The pleth has no unit (0 at the pulse's foot, about 1 at the peak of a good one): it fills
# the strip, with a little room either side.
PLETH_RANGE = (-0.05, 1.05)


class SweepPainter:
    """One waveform's sweep in a strip of a widget, placed at `strip` (widget coordinates)."""

    def __init__(self, waveform: Waveform, pixels_per_mm: float,
                 delay_s: float = HEAD_DELAY_S) -> None:
        self.waveform = waveform
        self.sweep = Sweep(waveform.rate_hz, delay_s=delay_s)
        self.pixels_per_mm = pixels_per_mm
        self.strip = QRectF()
        self._strip_px = QRect()
        self._ratio = 1.0  # device pixels per pixel: the trace is as fine as the screen
        self._colour = QColor(palette.WAVEFORM_COLOURS[waveform]).rgba()
        self._image: QImage | None = None  # the layer's pixels, owned by the image
        self._source = QRect()  # where in the image the layer lies (device pixels)
        # an image shared with other strips, its pixels, and where this strip lies in it
        self._canvas: tuple[QImage, np.ndarray, QPoint] | None = None
        self.layer: TraceLayer | None = None
        self._background: np.ndarray | None = None  # what lies under the strip (set_background)

    def place(self, strip: QRectF, pixels_per_mm: float | None = None,
              ratio: float | None = None) -> None:
        """Put the strip at `strip` on a screen of `ratio` device pixels per pixel; a new size,
        scale or ratio draws the trace again whole."""
        # whole pixels: a column of the sweep is a column of the screen
        placed = QRectF(round(strip.left()), round(strip.top()),
                        math.floor(strip.width()), math.floor(strip.height()))
        if placed != self.strip or (ratio is not None and ratio != self._ratio):
            self._canvas = None  # its place in a shared image is for the old strip
        self.strip = placed
        self._strip_px = self.strip.toRect()
        if pixels_per_mm is not None:
            self.pixels_per_mm = pixels_per_mm
        if ratio is not None:
            self._ratio = ratio
        self.sweep.set_geometry(self.strip.width(), scale.px_per_s(self.pixels_per_mm))
        self._make_layer()

    def use_canvas(self, canvas: QImage | None, pixels: np.ndarray | None = None,
                   at: QPoint | None = None) -> None:
        """Keep the trace in `canvas`, an image shared by many strips (the bed grid's trace
        overlay draws it once a frame), whose memory `pixels` is, with the strip's top left at
        `at` (the canvas's pixels, not device pixels); None: an image of its own. The strip's
        place in it must be where the strip lies (`place` lets go of a canvas when it moves)."""
        if canvas is None or pixels is None or at is None:
            attached = None
        else:
            attached = (canvas, pixels, QPoint(at))
        current = self._canvas
        if attached is None and current is None:
            return
        if (attached is not None and current is not None and attached[0] is current[0]
                and attached[2] == current[2]):
            return
        self._canvas = attached
        self._make_layer()

    @property
    def on_canvas(self) -> bool:
        return self._canvas is not None and self.layer is not None

    def _make_layer(self) -> None:
        """A transparent image the size of the strip in device pixels (or its place in the
        canvas), and the layer drawing into its memory (the image owns it: both are replaced
        together)."""
        width = round(self.strip.width() * self._ratio)
        height = round(self.strip.height() * self._ratio)
        if width <= 0 or height <= 0 or self.sweep.period <= 0:
            self._image = self.layer = None
            return
        region = self._place_on_canvas(width, height)
        if region is None:
            self._image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
            self._image.setDevicePixelRatio(self._ratio)
            self._source = QRect(0, 0, width, height)
            region = np.frombuffer(self._image.bits(), np.uint32).reshape(height, -1)[:, :width]
        baseline, gain = vertical_scale(self.waveform, self.strip, self.pixels_per_mm)
        self.layer = TraceLayer(self.sweep, region, self._colour, baseline * self._ratio,
                                gain * self._ratio)
        if self._background is not None and self._background.shape == region.shape:
            self.layer.set_background(self._background)  # the same strip in another image

    def _place_on_canvas(self, width: int, height: int) -> np.ndarray | None:
        """The strip's pixels in the canvas (None: no canvas, or the strip does not fit it)."""
        if self._canvas is None:
            return None
        canvas, pixels, at = self._canvas
        x, y = round(at.x() * self._ratio), round(at.y() * self._ratio)
        if (canvas.devicePixelRatio() != self._ratio or x < 0 or y < 0
                or y + height > pixels.shape[0] or x + width > canvas.width()):
            self._canvas = None
            return None
        self._image, self._source = canvas, QRect(x, y, width, height)
        return pixels[y:y + height, x:x + width]

    def clear(self) -> None:
        self.sweep.clear()
        if self.layer is not None:
            self.layer.forget()

    def add(self, chunks: list[WaveformChunk], since: float = -math.inf) -> None:
        """Keep the chunks of this strip's waveform that end after `since`."""
        for first, last in self.sweep.add_chunks(chunks, self.waveform, since):
            if self.layer is not None:
                self.layer.add(first, last)

    def catch_up(self) -> None:
        """Work out the trace's columns for the samples that came (else the frame showing them
        does)."""
        if self.layer is not None:
            self.layer.catch_up()

    def signal(self, now: float) -> str:
        return self.sweep.signal(now)

    def set_background(self, widget_image: QImage) -> None:
        """Bake what lies under the strip, in `widget_image` (the widget drawn without its
        trace, at the screen's ratio), into the trace's image: that image then shows the strip
        as it is, alone (the bed grid's frames draw it over the tile)."""
        if self.layer is None or widget_image.isNull():
            return
        image = widget_image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        rows, columns = self.layer.pixels.shape
        top, left = round(self.strip.top() * self._ratio), round(self.strip.left() * self._ratio)
        if top + rows > image.height() or left + columns > image.width():
            return  # not the widget this strip is laid out in
        pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1)
        self._background = pixels[top:top + rows, left:left + columns].copy()
        self.layer.set_background(self._background)

    def dirty_columns(self, now: float, steps: dict | None = None) -> list[tuple[int, int]]:
        """Move the trace on to `now`; the strip's columns (pixels from its left edge, from,
        to) that changed: the head's advance and the erase bar, late samples. `steps`: as
        `TraceLayer.advance`."""
        if self.layer is None:
            return []
        columns = self.layer.advance(now, steps)
        if self._ratio == 1.0:
            return columns
        ratio = self._ratio
        return [(math.floor(c0 / ratio), math.ceil(c1 / ratio)) for c0, c1 in columns]

    def dirty_rects(self, now: float) -> list[QRect]:
        """`dirty_columns` as the widget's rectangles."""
        left, top, height = self._strip_px.left(), self._strip_px.top(), self._strip_px.height()
        return [QRect(left + x0, top, x1 - x0, height) for x0, x1 in self.dirty_columns(now)]

    def paint(self, painter: QPainter, now: float) -> None:
        """Blit the trace over the strip; the paint event's region clips it to what changed."""
        if self.layer is None:
            return
        if not self.layer.drawn:  # painted before the first frame: draw it now
            self.layer.advance(now)
        painter.drawImage(self._strip_px.topLeft(), self._image, self._source)


def vertical_scale(waveform: Waveform, strip: QRectF, pixels_per_mm: float) -> tuple[float, float]:
    """Where `waveform`'s value 0 lies (pixels down from the strip's top) and pixels per unit
    of its values (mV for the ECG)."""
    if waveform is Waveform.PLETH:
        low, high = PLETH_RANGE
        gain = strip.height() / (high - low)
        return high * gain, gain
    return strip.height() * BASELINE, px_per_mv(strip, pixels_per_mm)


def px_per_mv(strip: QRectF, pixels_per_mm: float) -> float:
    """Pixels per mV: the standard 10 mm/mV where it fits, less in a short strip."""
    return min(GAIN_MM_PER_MV * pixels_per_mm, strip.height() / SPAN_MV)
