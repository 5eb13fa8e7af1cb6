"""One waveform strip's trace as a row of short pyqtgraph curves: a sweep changes only where its
head writes and its erase bar blanks, so each frame re-lays and repaints only those segments."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

SEGMENT_S = 0.5  # a frame changes ~0.1 s of a strip (head, erase bar): one or two segments


class SegmentedCurve:
    """The trace of a strip, `segment` samples per curve; neighbours share their edge sample so
    the line runs on unbroken. `set_data` hands a curve new data only if its samples changed:
    Qt then repaints those curves' rectangles, not the whole strip 30 times a second."""

    def __init__(self, plot: pg.PlotItem, pen, segment: int) -> None:
        self._plot, self._pen, self._segment = plot, pen, max(2, segment)
        self.items: list[pg.PlotCurveItem] = []
        self.x: np.ndarray = np.empty(0)  # the whole strip, as last set
        self.y: np.ndarray = np.empty(0)

    def set_data(self, x: np.ndarray, y: np.ndarray) -> None:
        """Show samples y at x (NaN: a gap); x keeps its length from frame to frame."""
        count = max(1, math.ceil((len(x) - 1) / self._segment)) if len(x) else 0
        if count != len(self.items) or len(x) != len(self.x):
            self._make_items(count)
            changed = range(count)
        else:
            changed = self._changed_segments(y)
        for index in changed:
            start, end = index * self._segment, (index + 1) * self._segment + 1
            self.items[index].setData(x[start:end], y[start:end], connect="finite")
        self.x, self.y = x, y

    def _changed_segments(self, y: np.ndarray) -> np.ndarray:
        """The segments holding a sample that differs from the last frame's (one comparison of
        the whole strip: cheaper than one per segment)."""
        same = (y == self.y) | (np.isnan(y) & np.isnan(self.y))
        changed = np.flatnonzero(~same)
        # a segment's last sample is its right neighbour's first
        edges = changed[(changed % self._segment == 0) & (changed > 0)] // self._segment - 1
        segments = np.union1d(changed // self._segment, edges)
        return segments[segments < len(self.items)]

    def clear(self) -> None:
        self._make_items(0)
        self.x, self.y = np.empty(0), np.empty(0)

    def _make_items(self, count: int) -> None:
        while len(self.items) > count:
            self._plot.removeItem(self.items.pop())
        while len(self.items) < count:
            # the fast path: thin pen, no antialiasing, NaN drawn as a gap
            item = pg.PlotCurveItem(pen=self._pen, antialias=False, connect="finite")
            self._plot.addItem(item)
            self.items.append(item)
