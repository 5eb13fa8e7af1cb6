"""A bed tile's ECG strip: takes the bed's chunks, says which pixels each frame changes, draws them."""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QPainter, QRegion

from stores.model import Waveform, WaveformChunk
from widgets import ecg_sweep_paint, palette
from widgets.ecg_sweep import DELAY_S, EcgSweep

_TRACE = ecg_sweep_paint.trace_pen(QColor(palette.VITAL_COLOURS["heart_rate"]))


class TileEcg:
    """The sweep of one tile's ECG strip, placed in the tile at `strip` (tile coordinates)."""

    def __init__(self, pixels_per_mm: float, delay_s: float = DELAY_S) -> None:
        self.sweep = EcgSweep(Waveform.ECG_II.rate_hz, delay_s=delay_s)
        self.pixels_per_mm = pixels_per_mm
        self.strip = QRectF()
        self._strip_px = QRect()

    def place(self, strip: QRectF, pixels_per_mm: float | None = None) -> None:
        """Put the strip at `strip`; a new size or scale restarts the sweep's drawing."""
        # whole pixels: a column of the sweep is a column of the screen
        self.strip = QRectF(round(strip.left()), round(strip.top()),
                            math.floor(strip.width()), math.floor(strip.height()))
        self._strip_px = self.strip.toRect()
        if pixels_per_mm is not None:
            self.pixels_per_mm = pixels_per_mm
        self.sweep.set_geometry(self.strip.width(), ecg_sweep_paint.px_per_s(self.pixels_per_mm))

    def clear(self) -> None:
        self.sweep.clear()

    def add(self, chunks: list[WaveformChunk], since: float) -> None:
        """Keep the ECG II chunks that end after `since` (older ones are a previous occupant's)."""
        for chunk in chunks:
            if chunk.waveform is Waveform.ECG_II and chunk.end > since:
                self.sweep.add(chunk.start, chunk.values)

    def signal(self, now: float) -> str:
        return self.sweep.signal(now)

    def dirty_rects(self, now: float) -> list[QRect]:
        """The tile's rectangles this frame changes (the head's advance, late samples)."""
        left, top, height = self.strip.left(), self.strip.top(), self.strip.height()
        return [QRect(math.floor(left + x0), math.floor(top), math.ceil(x1 - x0) + 1, math.ceil(height))
                for x0, x1 in self.sweep.advance(now)]

    def paint(self, painter: QPainter, area: QRegion | QRect, now: float) -> None:
        """Draw the trace where the strip meets `area` (the part of the tile being repainted);
        last thing painted: it leaves the painter clipped."""
        clip = QRegion(area).intersected(self._strip_px)  # whole pixels: a float clip rect is a path
        if clip.isEmpty():
            return
        painter.setClipRegion(clip)  # the painter ends with this paint: no need to restore it
        bounds = clip.boundingRect()
        x0 = bounds.left() - self._strip_px.left()
        x1 = x0 + bounds.width()
        px_per_mv = ecg_sweep_paint.gain(self.strip, self.pixels_per_mm)
        ecg_sweep_paint.paint_runs(painter, self.strip, self.sweep.runs(now, x0, x1), px_per_mv, _TRACE)
