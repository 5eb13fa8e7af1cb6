"""The sweep drawn with QPainter, for the bed tiles: the columns each frame changes, and the
trace as numpy-filled polylines, 1 px pen, no antialiasing."""

from __future__ import annotations

import math

import numpy as np
from pyqtgraph.functions import create_qpolygonf, ndarray_from_qpolygonf
from PySide6.QtCore import QPointF, QRect, QRectF
from PySide6.QtGui import QColor, QPainter, QPen, QRegion

from stores.model import Waveform, WaveformChunk
from widgets import palette
from widgets.sweep import scale
from widgets.sweep.model import HEAD_DELAY_S, Run, Sweep

GAIN_MM_PER_MV = 10.0  # the standard ECG gain, lowered where a strip is too short for it
SPAN_MV = 2.2  # what a strip must hold: a 1.5 mV R wave over a -0.7 mV S wave
BASELINE = 0.68  # the isoelectric line, this far down the strip: R waves go up


class SweepPainter:
    """One waveform's sweep in a strip of a widget, placed at `strip` (widget coordinates)."""

    def __init__(self, waveform: Waveform, pixels_per_mm: float,
                 delay_s: float = HEAD_DELAY_S) -> None:
        self.waveform = waveform
        self.sweep = Sweep(waveform.rate_hz, delay_s=delay_s)
        self.pixels_per_mm = pixels_per_mm
        self.strip = QRectF()
        self._strip_px = QRect()
        self._pen = trace_pen(QColor(palette.WAVEFORM_COLOURS[waveform]))

    def place(self, strip: QRectF, pixels_per_mm: float | None = None) -> None:
        """Put the strip at `strip`; a new size or scale restarts the sweep's drawing."""
        # whole pixels: a column of the sweep is a column of the screen
        self.strip = QRectF(round(strip.left()), round(strip.top()),
                            math.floor(strip.width()), math.floor(strip.height()))
        self._strip_px = self.strip.toRect()
        if pixels_per_mm is not None:
            self.pixels_per_mm = pixels_per_mm
        self.sweep.set_geometry(self.strip.width(), scale.px_per_s(self.pixels_per_mm))

    def clear(self) -> None:
        self.sweep.clear()

    def add(self, chunks: list[WaveformChunk], since: float) -> None:
        """Keep the chunks of this strip's waveform that end after `since`."""
        self.sweep.add_chunks(chunks, self.waveform, since)

    def signal(self, now: float) -> str:
        return self.sweep.signal(now)

    def dirty_rects(self, now: float) -> list[QRect]:
        """The widget's rectangles this frame changes (the head's advance, late samples)."""
        left, top, height = self.strip.left(), self.strip.top(), self.strip.height()
        return [QRect(math.floor(left + x0), math.floor(top), math.ceil(x1 - x0) + 1, math.ceil(height))
                for x0, x1 in self.sweep.advance(now)]

    def paint(self, painter: QPainter, area: QRegion | QRect, now: float) -> None:
        """Draw the trace where the strip meets `area` (the part of the widget being repainted);
        last thing painted: it leaves the painter clipped."""
        clip = QRegion(area).intersected(self._strip_px)  # whole pixels: a float clip rect is a path
        if clip.isEmpty():
            return
        painter.setClipRegion(clip)  # the painter ends with this paint: no need to restore it
        bounds = clip.boundingRect()
        x0 = bounds.left() - self._strip_px.left()
        x1 = x0 + bounds.width()
        px_per_mv = gain(self.strip, self.pixels_per_mm)
        paint_runs(painter, self.strip, self.sweep.runs(now, x0, x1), px_per_mv, self._pen)


def gain(strip: QRectF, pixels_per_mm: float) -> float:
    """Pixels per mV: the standard 10 mm/mV where it fits, less in a short strip."""
    return min(GAIN_MM_PER_MV * pixels_per_mm, strip.height() / SPAN_MV)


def trace_pen(colour: QColor) -> QPen:
    pen = QPen(colour, 1.0)
    pen.setCosmetic(True)
    return pen


def paint_runs(painter: QPainter, strip: QRectF, runs: list[Run], px_per_mv: float,
               pen: QPen) -> None:
    """Draw each run as one polyline (a lone sample as a point), 1 px, no antialiasing: the
    caller clips. The polygon is filled through a numpy view of its own memory: no QPointF
    per sample."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(pen)
    baseline, top, bottom = strip.top() + strip.height() * BASELINE, strip.top(), strip.bottom() - 1
    for xs, mv in runs:
        if len(xs) == 1:
            y = min(max(baseline - mv[0] * px_per_mv, top), bottom)
            painter.drawPoint(QPointF(strip.left() + xs[0], y))
            continue
        polygon = create_qpolygonf(len(xs))
        points = ndarray_from_qpolygonf(polygon)
        np.add(xs, strip.left(), out=points[:, 0])
        ys = points[:, 1]
        # two ufuncs: np.clip's Python wrapper cost as much as the drawing, on every tile and frame
        np.multiply(mv, -px_per_mv, out=ys)
        np.add(ys, baseline, out=ys)
        np.maximum(ys, top, out=ys)
        np.minimum(ys, bottom, out=ys)
        painter.drawPolyline(polygon)
