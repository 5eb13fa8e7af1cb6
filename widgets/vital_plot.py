"""One plot of the vitals chart: its lines, its min-max bands, its usual y range and its value label."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

from stores.model import Vital, VitalSample
from widgets import palette, vital_text
from widgets.label_room import RoomUnderLabel

LABEL_TOP = 2  # px from the top of the plot to its value label's text


class VitalPlot:
    """One plot of the stack: a line per vital (live samples, or a trend's means), a min-max
    band per vital under it (trends only), the y range it starts with, and its value label."""

    def __init__(
        self, item: pg.PlotItem, name: str, vitals: tuple[Vital, ...], y_range: tuple[float, float]
    ) -> None:
        self.item, self.name, self.vitals, self.y_range = item, name, vitals, y_range
        # bare curves, not PlotDataItems: nothing here needs their downsampling or symbols,
        # and the live view sets every curve's data once a second
        self.curves = {v: _curve(item, _pen(v), "finite") for v in vitals}
        self.bands = {v: _curve(item, _band_pen(v), "pairs") for v in vitals}
        for band in self.bands.values():
            band.setZValue(-1)  # the mean line stays readable on top of its band
        self.label = pg.LabelItem("", justify="left", size="10pt")
        self.label.setParentItem(item.vb)
        # the text's box has a margin above the text: lifted by it, the text is LABEL_TOP down
        margin = self.label.item.document().documentMargin()
        self.label.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(6, LABEL_TOP - margin))
        self.room = RoomUnderLabel(item, self.label)  # the y range `fit_y` sets

    def show_value(self, sample: VitalSample | None, stale: str) -> None:
        """The newest value; a stale one is struck through, greyed and says how old it is."""
        vital = self.vitals[0]
        if vital is Vital.NIBP_SYS:
            value = vital_text.nibp_text(sample)
        else:
            value = vital_text.sample_text(sample, vital)
        text = f"{self.name}&nbsp;&nbsp;<b>{value}</b> {vital.unit}"
        if stale:
            text = f"<s>{text}</s>&nbsp;&nbsp;<b>{stale}</b>"
        colour = palette.STALE if stale else palette.VITAL_COLOURS[vital.value]
        if text != self.label.text:
            self.label.setText(text, color=colour)

    def show_extremes(self, extremes: tuple[float, float] | None) -> None:
        """For a past range: its lowest and highest value, e.g. "HR 52–140 bpm"."""
        vital = self.vitals[0]
        span = vital_text.MISSING
        if extremes is not None:
            span = "\u2013".join(vital_text.value_text(vital, value) for value in extremes)
        text = f"{self.name}&nbsp;&nbsp;<b>{span}</b> {vital.unit}"
        if text != self.label.text:
            self.label.setText(text, color=palette.VITAL_COLOURS[vital.value])

    def text(self) -> str:
        return self.label.text


PLOTS = (
    ("HR", (Vital.HEART_RATE,), (40.0, 160.0)),
    ("SpO\u2082", (Vital.SPO2,), (85.0, 100.0)),
    ("RR", (Vital.RESP_RATE,), (5.0, 35.0)),
    ("NIBP", (Vital.NIBP_SYS, Vital.NIBP_DIA, Vital.NIBP_MEAN), (40.0, 180.0)),
    ("Temp", (Vital.TEMPERATURE,), (35.0, 39.0)),
)


def _curve(item: pg.PlotItem, pen, connect: str) -> pg.PlotCurveItem:
    curve = pg.PlotCurveItem(pen=pen, antialias=False, connect=connect)
    item.addItem(curve)
    return curve


def _pen(vital: Vital) -> pg.QtGui.QPen:
    return pg.mkPen(palette.VITAL_COLOURS[vital.value], width=1)


def _band_pen(vital: Vital) -> pg.QtGui.QPen:
    colour = QColor(palette.VITAL_COLOURS[vital.value])
    colour.setAlpha(110)  # dimmer than the mean line drawn over it
    return pg.mkPen(colour, width=1)


def fit_y(plot: VitalPlot, extremes: tuple[float, float] | None) -> None:
    """Keep the usual range, widened only when a value falls outside it (no jumpy autoscale),
    with room above the data for the value label in the top-left corner, at any plot height."""
    low, high = plot.y_range
    if extremes is not None:
        low, high = min(low, extremes[0]), max(high, extremes[1])
    plot.room.show(low, high)
