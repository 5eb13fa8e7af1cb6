"""Room at the top of a plot for the label drawn there, reckoned in pixels, not in data."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF

MIN_DATA_PX = 8.0  # a plot squeezed below its label still draws its data this high
LABEL_GAP = 2.0  # px at least between the label and the highest value drawn


def top_under_label(low: float, high: float, view_px: float, label_px: float) -> float:
    """The top of a y range that draws values from `low` to `high` below a label `label_px`
    high at the top of a plot `view_px` high.

    A fixed share of the range (what the plots kept before) is too little once a small window
    makes the plot only a few labels high: the trace ran through the label.
    """
    data_px = max(view_px - label_px, MIN_DATA_PX)
    return high + (high - low) * label_px / data_px


class RoomUnderLabel:
    """Sets a plot's y range so that its data is drawn under the label in its top-left corner,
    at whatever height the plot is given (it sets the range again when the plot is resized)."""

    def __init__(self, plot: pg.PlotItem, label: pg.LabelItem, padding: float = 0.02) -> None:
        self._plot, self._label, self._padding = plot, label, padding
        self.data: tuple[float, float] | None = None  # the values to show, as last given
        self.shown: tuple[float, float] | None = None  # the y range set last
        plot.vb.sigResized.connect(self._apply)

    def show(self, low: float, high: float) -> None:
        self.data = (low, high)
        self._apply()

    def label_px(self) -> float:
        """Pixels from the top of the plot down to the label's text's foot, and a gap."""
        text = self._label.item  # its box has a margin around the text: the data may use it
        foot = QPointF(0, text.boundingRect().bottom() - text.document().documentMargin())
        return text.mapToItem(self._plot.vb, foot).y() + LABEL_GAP

    def _apply(self, *_view: object) -> None:
        if self.data is None:
            return
        low, high = self.data
        wanted = (low, top_under_label(low, high, self._plot.vb.height(), self.label_px()))
        if wanted != self.shown:  # the same range again still costs pyqtgraph a relayout
            self._plot.setYRange(*wanted, padding=self._padding)
            self.shown = wanted
