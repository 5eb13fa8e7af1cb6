"""The selected bed's view: its live ECG and pleth on top, its vital-sign trends below them."""

from __future__ import annotations

import time
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from stores.model import Vital, VitalSample, VitalTrend, WaveformChunk
from widgets import palette
from widgets.trend_chart import REDRAW_MS, TrendChart  # noqa: F401 (tests throttle by it)
from widgets.trend_ranges import LIVE, RANGES, RangeBar
from widgets.waveform_view import WaveformView


class VitalsChart(QWidget):
    """A title and the range buttons, the waveform strips, then HR, SpO₂, RR, NIBP and Temp.

    Live (the default, and on every new patient): the last `window_s` seconds of samples.
    A past range asks for its trend through `trend_requested(start, end, buckets)`;
    `range_changed(label)` says which range the user chose ("Live 10 min", "24 h", ...).
    `pixels_per_mm` is the station's calibration of the screen for the strips (None: the
    screen's own)."""

    trend_requested = Signal(float, float, int)
    range_changed = Signal(str)

    def __init__(self, window_s: float = 600, clock: Callable[[], float] = time.time,
                 parent=None, *, stale_after_s: float = 5.0,
                 pixels_per_mm: float | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("VitalsChart")
        # its own dark ground behind the title and buttons, wherever it is placed
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#VitalsChart {{ background-color: {palette.PANEL}; }}")
        self._title = QLabel("", objectName="VitalsChartTitle")
        # The selected bed's data comes from the bedside simulator: said beside its name.
        self.simulated_mark = QLabel("SIMULATED", objectName="SimulatedMark")
        self.simulated_mark.setStyleSheet(
            f"background-color: {palette.SIMULATED}; color: {palette.SIMULATED_TEXT}; "
            "font-weight: bold; padding: 1px 6px; border-radius: 3px;")
        self.simulated_mark.hide()
        self.ranges = RangeBar()
        self.waveforms = WaveformView(clock, pixels_per_mm=pixels_per_mm)
        self.trends = TrendChart(window_s, clock, stale_after_s=stale_after_s)
        self.plots = self.trends.plots
        self._build_layout()
        self.ranges.range_chosen.connect(self._on_range_chosen)
        self.trends.trend_requested.connect(self.trend_requested)
        self.clear("Select a bed")

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.setContentsMargins(8, 2, 4, 2)
        header.addWidget(self._title)
        header.addWidget(self.simulated_mark)
        header.addStretch(1)
        header.addWidget(self.ranges)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.waveforms, 1)
        layout.addWidget(self.trends, 3)

    def close(self) -> bool:
        self.waveforms.close()
        self.trends.close()
        return super().close()

    def header(self) -> str:
        return self._title.text()

    def curve(self, vital: Vital) -> pg.PlotCurveItem:
        """The line a vital is drawn with: live samples, or a past range's means."""
        return next(plot.curves[vital] for plot in self.plots if vital in plot.curves)

    def band(self, vital: Vital) -> pg.PlotCurveItem:
        """A past range's min-max bars of a vital."""
        return next(plot.bands[vital] for plot in self.plots if vital in plot.bands)

    def sample_times(self) -> list[float]:
        return self.trends.live.times()

    def title(self) -> str:
        """Whose vitals these are ("Bed 7 · Jane Doe"), or what is shown instead."""
        return self._title.text()

    def notice(self) -> str:
        """What the trends say over their plots ("no data for this range", ...), or ""."""
        return self.trends.notice.text() if self.trends.notice.isVisibleTo(self) else ""

    @Slot(str)
    def show_patient(self, title: str) -> None:
        """Start showing a patient, e.g. "Bed 7 · Jane Doe, 67 y"; call show_history after it.

        The previous patient's curves go at once, so they are never drawn under the new name;
        the view goes back to live."""
        self._set_title(title, palette.TEXT, 11)
        self.simulated_mark.hide()  # until this patient's samples say
        self.ranges.setEnabled(True)
        self._go_live()
        self.trends.follow(True)
        self.waveforms.start()

    @Slot(list)
    def show_history(self, samples: list[VitalSample]) -> None:
        """Replace the live samples with these."""
        self.trends.live.clear()
        self.trends.add_samples(samples)
        self._mark_simulated(samples)

    @Slot(list)
    def add_samples(self, samples: list[VitalSample]) -> None:
        """Add new live samples; those older than the window are dropped."""
        self.trends.add_samples(samples)
        self._mark_simulated(samples)

    @Slot(list)
    def add_waveforms(self, chunks: list[WaveformChunk]) -> None:
        """New waveform chunks of the shown bed; drawn by the strips' next frame."""
        self.waveforms.add_chunks(chunks)

    @Slot(object)
    def show_trend(self, trend: VitalTrend) -> None:
        """The trend asked for by `trend_requested` (a newer request's answer wins in the feed)."""
        self.trends.show_trend(trend)

    @Slot(str)
    def show_trend_unavailable(self, reason: str) -> None:
        """The trend feed's `unavailable`: a past range says why it stays empty; live goes on."""
        self.trends.show_unavailable(reason)

    @Slot(str)
    def clear(self, message: str) -> None:
        """No patient: empty strips and plots and a message such as "Select a bed"."""
        self._set_title(message, palette.TEXT_DIM, 13)
        self.simulated_mark.hide()
        self.ranges.setEnabled(False)
        self._go_live()
        self.trends.follow(False)
        self.waveforms.stop()

    @Slot()
    def redraw(self) -> None:
        self.trends.redraw()

    def _go_live(self) -> None:
        if self.ranges.chosen() != LIVE:
            self.ranges.show_chosen(LIVE)
            self.range_changed.emit(LIVE)
        self.trends.show_range(None)

    @Slot(str)
    def _on_range_chosen(self, label: str) -> None:
        self.range_changed.emit(label)
        self.trends.show_range(RANGES[label])

    def is_simulated(self) -> bool:
        return self.simulated_mark.isVisibleTo(self)

    def _mark_simulated(self, samples: list[VitalSample]) -> None:
        """The newest sample says whether the bed's data is simulated."""
        if samples:
            self.simulated_mark.setVisible(max(samples, key=lambda s: s.time).simulated)

    def _set_title(self, text: str, colour: str, points: int) -> None:
        self._title.setText(text)
        self._title.setStyleSheet(f"color: {colour}; font-size: {points}pt;")
