"""The sweep drawn with pyqtgraph, for the selected bed's strips: a row of short curves, of which
a frame re-lays only those whose columns the model says changed, so Qt repaints their
rectangles rather than the whole strip 30 times a second."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from stores.model import Waveform, WaveformChunk
from widgets import palette
from widgets.sweep import scale
from widgets.sweep.model import HEAD_DELAY_S, Run, Span, Sweep

SEGMENT_PX = 48.0  # a frame changes ~20 px (the head's advance, the erase bar): one or two segments


class SweepCurves:
    """One waveform's sweep on `plot`, whose x axis is the strip's pixels from its left edge."""

    def __init__(self, plot: pg.PlotItem, waveform: Waveform,
                 delay_s: float = HEAD_DELAY_S) -> None:
        self.waveform = waveform
        self.sweep = Sweep(waveform.rate_hz, delay_s=delay_s)
        self._plot = plot
        # the fast path: thin pen, no antialiasing, NaN drawn as a gap
        self._pen = pg.mkPen(palette.WAVEFORM_COLOURS[waveform], width=1)
        self.items: list[pg.PlotCurveItem] = []

    def place(self, width: float, pixels_per_mm: float) -> None:
        """The strip is `width` pixels wide on a screen of this scale; a change redraws it whole."""
        self.sweep.set_geometry(width, scale.px_per_s(pixels_per_mm))
        count = math.ceil(width / SEGMENT_PX) if width > 0 else 0
        while len(self.items) > count:
            self._plot.removeItem(self.items.pop())
        while len(self.items) < count:
            item = pg.PlotCurveItem(pen=self._pen, antialias=False, connect="finite")
            self._plot.addItem(item)
            self.items.append(item)

    def add(self, chunks: list[WaveformChunk]) -> None:
        """Keep the chunks of this strip's waveform; the next frame draws them."""
        self.sweep.add_chunks(chunks, self.waveform)

    def signal(self, now: float) -> str:
        return self.sweep.signal(now)

    def clear(self) -> None:
        """No samples, and a blank strip at once (the next frame redraws it whole)."""
        self.sweep.clear()
        for item in self.items:
            item.setData(np.empty(0), np.empty(0))

    def redraw(self, now: float) -> None:
        """One frame: the segments the head, the erase bar and late samples changed."""
        for index in self._segments(self.sweep.advance(now)):
            x0 = index * SEGMENT_PX
            x, y = _joined(self.sweep.runs(now, x0, min(x0 + SEGMENT_PX, self.sweep.width)))
            self.items[index].setData(x, y, connect="finite")

    def _segments(self, spans: list[Span]) -> set[int]:
        # a segment's line runs one sample into each neighbour: a change there is its change too
        reach = self.sweep.px_per_s / self.sweep.rate_hz
        found: set[int] = set()
        for x0, x1 in spans:
            first = max(0, math.floor((x0 - reach) / SEGMENT_PX))
            last = min(len(self.items) - 1, math.floor((x1 + reach) / SEGMENT_PX))
            found.update(range(first, last + 1))
        return found


def _joined(runs: list[Run]) -> tuple[np.ndarray, np.ndarray]:
    """The runs as one curve, a NaN between two (connect="finite" leaves a gap there)."""
    if len(runs) <= 1:
        return runs[0] if runs else (np.empty(0), np.empty(0))
    xs, ys = [], []
    for x, y in runs:
        xs += [x, x[-1:]]
        ys += [y, np.array([np.nan])]
    return np.concatenate(xs[:-1]), np.concatenate(ys[:-1])
