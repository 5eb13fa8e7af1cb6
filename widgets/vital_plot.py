"""One plot of the vitals chart: its curves, its usual y range and its live value label."""

from __future__ import annotations

import pyqtgraph as pg

from stores.model import Vital, VitalSample
from widgets import palette, vital_text

_LABEL_HEADROOM = 0.3  # of the y range, kept free above the data for the value label


class VitalPlot:
    """One plot of the stack: its curves, the y range it starts with, and its live value label."""

    def __init__(
        self, item: pg.PlotItem, name: str, vitals: tuple[Vital, ...], y_range: tuple[float, float]
    ) -> None:
        self.item, self.name, self.vitals, self.y_range = item, name, vitals, y_range
        self.curves = {v: item.plot(pen=_pen(v), antialias=False, connect="finite") for v in vitals}
        self.label = pg.LabelItem("", justify="left", size="10pt")
        self.label.setParentItem(item.vb)
        self.label.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(6, 2))

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

    def text(self) -> str:
        return self.label.text


PLOTS = (
    ("HR", (Vital.HEART_RATE,), (40.0, 160.0)),
    ("SpO\u2082", (Vital.SPO2,), (85.0, 100.0)),
    ("RR", (Vital.RESP_RATE,), (5.0, 35.0)),
    ("NIBP", (Vital.NIBP_SYS, Vital.NIBP_DIA, Vital.NIBP_MEAN), (40.0, 180.0)),
    ("Temp", (Vital.TEMPERATURE,), (35.0, 39.0)),
)


def _pen(vital: Vital) -> pg.QtGui.QPen:
    return pg.mkPen(palette.VITAL_COLOURS[vital.value], width=1)


def fit_y(plot: VitalPlot, samples: list[VitalSample]) -> None:
    """Keep the usual range, widened only when a value falls outside it (no jumpy autoscale)."""
    low, high = plot.y_range
    values = [v for s in samples for vital in plot.vitals if (v := s.value(vital)) is not None]
    if values:
        low, high = min(low, min(values)), max(high, max(values))
    # Headroom above the data keeps the value label in the top-left corner off the curve.
    plot.item.setYRange(low, high + (high - low) * _LABEL_HEADROOM, padding=0.02)
