"""One patient's vital signs over the last minutes: stacked plots sharing a time axis."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot

from stores.model import Vital, VitalSample
from widgets import palette, vital_text
from widgets.vital_plot import PLOTS, VitalPlot, fit_y

REDRAW_MS = 250  # at most 4 redraws a second; samples come at 1 Hz
SCROLL_S = 1.0  # with no new data the time axis still moves on, once a second


class VitalsChart(pg.GraphicsLayoutWidget):
    """HR, SpO₂, RR, NIBP and temperature of the selected patient over the last `window_s` seconds."""

    def __init__(
        self,
        window_s: float = 600,
        clock: Callable[[], float] = time.time,
        parent=None,
        *,
        stale_after_s: float = 5.0,
    ) -> None:
        super().__init__(parent)
        # GraphicsLayoutWidget copies its layout's clear() onto the instance; ours takes a message.
        del self.clear
        self.setBackground(palette.PANEL)
        self.setObjectName("VitalsChart")
        self._window_s = float(window_s)
        self._stale_after_s = stale_after_s
        self._clock = clock
        self._samples: dict[float, VitalSample] = {}
        self._following = False  # the time axis moves only while a patient is shown
        self._dirty = False
        self._last_scroll = 0.0
        self._header = self.addLabel("", row=0, col=0, justify="left", size="11pt", color=palette.TEXT)
        self.plots = [self._add_plot(row, *spec) for row, spec in enumerate(PLOTS, start=1)]
        for plot in self.plots[:-1]:
            plot.item.hideAxis("bottom")  # one time axis, under the last plot, serves them all
        for plot in self.plots[1:]:
            plot.item.setXLink(self.plots[0].item)
        self._timer = QTimer(self, interval=REDRAW_MS, timeout=self.redraw)
        self._timer.start()
        self.clear("Select a bed")

    def _add_plot(self, row: int, name: str, vitals, y_range) -> VitalPlot:
        item = self.addPlot(row=row, col=0, axisItems={"bottom": pg.DateAxisItem()})
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)  # a nurse cannot lose "now" by a stray drag
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.getAxis("left").setWidth(44)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setPen(palette.BORDER)
            item.getAxis(axis).setTextPen(palette.TEXT_DIM)
        return VitalPlot(item, name, vitals, y_range)

    def close(self) -> bool:
        # pyqtgraph's close() destroys the plots; the redraw timer must not outlive them.
        self._timer.stop()
        return super().close()

    def header(self) -> str:
        return self._header.text

    def curve(self, vital: Vital) -> pg.PlotDataItem:
        return next(plot.curves[vital] for plot in self.plots if vital in plot.curves)

    def sample_times(self) -> list[float]:
        return sorted(self._samples)

    @Slot(str)
    def show_patient(self, title: str) -> None:
        """Start showing a patient, e.g. "Bed 7 · Jane Doe, 67 y"; call show_history after it.

        The previous patient's curves go at once, so they are never drawn under the new name.
        """
        self._samples = {}
        self._header.setText(title, color=palette.TEXT, size="11pt")
        self._following = True
        self._dirty = True

    @Slot(list)
    def show_history(self, samples: list[VitalSample]) -> None:
        """Replace what is drawn with these samples."""
        self._samples = {}
        self.add_samples(samples)

    @Slot(list)
    def add_samples(self, samples: list[VitalSample]) -> None:
        """Add new samples; those older than the window are dropped."""
        for sample in samples:
            self._samples[sample.time] = sample
        self._drop_old()
        self._dirty = True

    @Slot(str)
    def clear(self, message: str) -> None:
        """No patient: empty plots and a message such as "Select a bed"."""
        self._samples = {}
        self._following = False
        self._header.setText(message, color=palette.TEXT_DIM, size="13pt")
        self._dirty = True

    def _drop_old(self) -> None:
        oldest = self._clock() - self._window_s
        self._samples = {t: s for t, s in self._samples.items() if t >= oldest}

    @Slot()
    def redraw(self) -> None:
        """Called by the throttle timer: draw pending data and keep the time axis on "now"."""
        now = self._clock()
        if self._dirty:
            self._dirty = False
            self._draw_curves()
            self._scroll(now)
        elif self._following and now - self._last_scroll >= SCROLL_S:
            self._drop_old()
            self._draw_curves()
            self._scroll(now)

    def _draw_curves(self) -> None:
        ordered = [self._samples[t] for t in sorted(self._samples)]
        times = np.array([s.time for s in ordered], dtype=np.float64)
        newest = ordered[-1] if ordered else None
        stale = self._stale_text(newest)
        for plot in self.plots:
            for vital, curve in plot.curves.items():
                curve.setData(times, _values(ordered, vital), connect="finite")
            plot.show_value(newest, stale)
            fit_y(plot, ordered)

    def _stale_text(self, newest: VitalSample | None) -> str:
        if not self._following:
            return ""
        if newest is None:
            return "NO DATA"
        age = self._clock() - newest.time
        return f"NO DATA {vital_text.age_text(age)}" if age > self._stale_after_s else ""

    def _scroll(self, now: float) -> None:
        self._last_scroll = now
        self.plots[0].item.setXRange(now - self._window_s, now, padding=0)


def _values(samples: list[VitalSample], vital: Vital) -> np.ndarray:
    """A vital's values as float64, a missing value as NaN so that it is drawn as a gap."""
    values = [s.value(vital) for s in samples]
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
