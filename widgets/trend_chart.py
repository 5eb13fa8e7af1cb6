"""The selected bed's vital-sign trends, stacked on one time axis: live minutes or a past range.

Live: the last minutes of samples, redrawn by a throttle timer, the axis on "now", no mouse.
A past range: the store's min-max per bucket as a band under the mean line, one bucket per
pixel; the mouse zooms and pans the linked time axes, and once the view settles a range the
loaded trend does not cover (or covers too coarsely) is asked for again at the pixel width.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QGraphicsItem, QLabel

from stores.model import VitalSample, VitalTrend
from widgets import palette
from widgets.trend_arrays import mean_line, min_max_bars, trend_extremes, value_extremes
from widgets.trend_live import LiveWindow, column
from widgets.value_axis import ValueAxis
from widgets.vital_plot import PLOTS, VitalPlot, fit_y

REDRAW_MS = 250  # live: at most 4 redraws a second; samples come at 1 Hz
SCROLL_S = 1.0  # live: with no new data the chart is still redrawn (its "NO DATA" age) each second
# Live, the time axis moves on in steps of a twentieth of its span (30 s of ten minutes), "now"
# within the last step: moved every second, its five axes and grids were drawn again each
# second (10-18 ms on the UI thread, a frame of the bed grid lost every second).
LIVE_AXIS_STEPS = 20
SETTLE_MS = 150  # a zoom or pan reloads this long after the last wheel or drag event
MIN_VIEW_S = 60.0  # zooming in stops at a minute: a few dozen 1 Hz samples
MIN_BUCKET_S = 1.0  # vitals come at 1 Hz: finer buckets would be mostly empty, a dotted line
NO_DATA = "no data for this range"


class TrendChart(pg.GraphicsLayoutWidget):
    """Five plots (HR, SpO₂, RR, NIBP, Temp); `trend_requested(start, end, buckets)` asks for
    a past range, `show_trend` draws it."""

    trend_requested = Signal(float, float, int)

    def __init__(self, window_s: float = 600, clock: Callable[[], float] = time.time,
                 parent=None, *, stale_after_s: float = 5.0) -> None:
        super().__init__(parent)
        del self.clear  # GraphicsLayoutWidget copies its layout's clear() onto the instance
        self.setBackground(palette.PANEL)
        self._clock = clock
        self.live = LiveWindow(window_s, clock, stale_after_s)
        self.span_s: float | None = None  # the past range chosen; None while live
        self.requested: tuple[float, float, int] | None = None  # the newest trend asked for
        self.trend: VitalTrend | None = None  # the one drawn
        self._following = False  # the live axis moves only while a patient is shown
        self._dirty = False
        self._last_scroll = 0.0
        self._live_edge: float | None = None  # the live time axis's right end, while live
        self.plots = [self._add_plot(row, *spec) for row, spec in enumerate(PLOTS)]
        for plot in self.plots[:-1]:
            plot.item.hideAxis("bottom")  # one time axis, under the last plot, serves them all
        for plot in self.plots[1:]:
            plot.item.setXLink(self.plots[0].item)
        self.notice = QLabel("", self, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.notice.setStyleSheet(f"color: {palette.TEXT}; background-color: {palette.PANEL};"
                                  f" border: 1px solid {palette.BORDER}; padding: 4px 10px;")
        self.notice.hide()
        self._timer = QTimer(self, interval=REDRAW_MS, timeout=self.redraw)
        self._timer.start()
        self._settle = QTimer(self, interval=SETTLE_MS, singleShot=True,
                              timeout=self._reload_if_needed)
        self.plots[0].item.vb.sigXRangeChanged.connect(self._on_view_moved)

    def _add_plot(self, row: int, name: str, vitals, y_range) -> VitalPlot:
        axes = {"bottom": pg.DateAxisItem(), "left": ValueAxis("left")}
        item = self.addPlot(row=row, col=0, axisItems=axes)
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)  # live: a nurse cannot lose "now" by a stray drag
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.getAxis("left").setWidth(44)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setPen(palette.BORDER)
            item.getAxis(axis).setTextPen(palette.TEXT_DIM)
            # Each repaint replayed every axis's ticks, labels and grid (~15 ms a second, as the
            # live axis scrolls); cached, an axis is drawn again only when its range changes.
            item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return VitalPlot(item, name, vitals, y_range)

    def close(self) -> bool:
        # pyqtgraph's close() destroys the plots; the timers must not outlive them.
        self._timer.stop()
        self._settle.stop()
        return super().close()

    def pixel_width(self) -> int:
        """How many buckets a range is drawn with: one per pixel of the plots."""
        width = int(self.plots[0].item.vb.width())
        return max(1, width or self.width() - 60)  # not laid out yet: the widget less its axis

    # --- live ----------------------------------------------------------------------------------

    def follow(self, following: bool) -> None:
        """Start (a patient is shown) or stop (none) following now; the live samples go."""
        self.live.clear()
        self._following = following
        self._dirty = True
        self._live_edge = None

    def add_samples(self, samples: list[VitalSample]) -> None:
        self.live.add(samples)
        self._dirty = True

    @Slot()
    def redraw(self) -> None:
        """Called by the throttle timer: draw pending live data and keep the axis on "now"."""
        if self.span_s is not None:
            return
        now = self._clock()
        if self._dirty or (self._following and now - self._last_scroll >= SCROLL_S):
            self._dirty = False
            self.live.drop_old()
            self._draw_live()
            self._last_scroll = now
        edge = live_edge(now, self.live.window_s)
        if edge != self._live_edge:
            self._live_edge = edge
            self.plots[0].item.setXRange(edge - self.live.window_s, edge, padding=0)

    def _draw_live(self) -> None:
        times, values = self.live.arrays()
        newest = self.live.newest()
        stale = self.live.stale_text(newest) if self._following else ""
        for plot in self.plots:
            columns = [column(vital) for vital in plot.vitals]
            for vital, curve in plot.curves.items():
                curve.setData(times, values[:, column(vital)], connect="finite")
            plot.show_value(newest, stale)
            fit_y(plot, value_extremes(values[:, columns]))

    # --- past ranges ---------------------------------------------------------------------------

    def show_range(self, span_s: float | None) -> None:
        """Live (None), or the last `span_s` seconds: asks for that trend at once."""
        self.span_s, self.requested, self.trend = span_s, None, None
        self._live_edge = None
        for plot in self.plots:
            plot.item.setMouseEnabled(x=span_s is not None, y=False)
            plot.item.vb.setLimits(minXRange=MIN_VIEW_S)
            for item in (*plot.bands.values(), *plot.curves.values()):
                item.setData([], [])  # nothing of the previous range under "loading…"
        self._set_notice("")
        self._dirty = True
        if span_s is None:
            self.redraw()
            return
        now = self._clock()
        self.plots[0].item.setXRange(now - span_s, now, padding=0)
        self._request(now - span_s, now)

    def _request(self, start: float, end: float) -> None:
        buckets = max(1, min(self.pixel_width(), math.ceil((end - start) / MIN_BUCKET_S)))
        self.requested = (start, end, buckets)
        if self.trend is None:
            self._set_notice("loading\u2026")
        self.trend_requested.emit(start, end, buckets)

    def _on_view_moved(self, *_args) -> None:
        if self.span_s is not None:
            self._settle.start()  # restarted by every event: one reload once the mouse rests

    @Slot()
    def _reload_if_needed(self) -> None:
        if self.span_s is None:
            return
        start, end = self.plots[0].item.vb.viewRange()[0]
        if self.requested is None or not _serves(self.requested, start, end, self.pixel_width()):
            self._request(start, end)

    @Slot(object)
    def show_trend(self, trend: VitalTrend) -> None:
        """Draw a past range: min-max band and mean line per vital; a message when it is empty
        or clipped. Ignored while live (it answers a range no longer shown)."""
        if self.span_s is None:
            return
        self.trend = trend
        for plot in self.plots:
            for vital in plot.vitals:
                plot.curves[vital].setData(*mean_line(trend, vital), connect="finite")
                plot.bands[vital].setData(*min_max_bars(trend, vital), connect="pairs")
            extremes = trend_extremes(trend, plot.vitals)
            plot.show_extremes(extremes)
            fit_y(plot, extremes)
        self._set_notice(trend_notice(trend))

    def show_unavailable(self, reason: str) -> None:
        if self.span_s is not None:
            self._set_notice(f"history unavailable: {reason}")

    def _set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._place_notice()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_notice()

    def _place_notice(self) -> None:
        if not hasattr(self, "notice"):
            return  # pyqtgraph resizes the view while it is being built
        lines = self.notice.text().splitlines() or [""]
        widest = max(self.notice.fontMetrics().horizontalAdvance(line) for line in lines)
        self.notice.setFixedWidth(min(widest + 30, max(100, self.width() - 40)))
        self.notice.adjustSize()
        x = (self.width() - self.notice.width()) // 2
        y = (self.height() - self.notice.height()) // 2 if self._nothing_drawn() else 8
        self.notice.move(max(0, x), y)

    def _nothing_drawn(self) -> bool:
        return self.trend is None or self.trend.empty


def live_edge(now: float, window_s: float) -> float:
    """The live time axis's right end: `now` rounded up to the axis's next step."""
    step = window_s / LIVE_AXIS_STEPS
    return math.ceil(now / step) * step


def _serves(requested: tuple[float, float, int], start: float, end: float, width: int) -> bool:
    """Whether the trend asked for covers start..end with buckets no coarser than ~2 pixels."""
    asked_start, asked_end, buckets = requested
    wanted_bucket = max((end - start) / width, MIN_BUCKET_S)
    covers = asked_start <= start + 1e-6 and asked_end >= end - 1e-6
    return covers and (asked_end - asked_start) / buckets <= 2 * wanted_bucket


def trend_notice(trend: VitalTrend) -> str:
    """What a past range's chart says above its plots, or "" when it has nothing to say."""
    lines = [NO_DATA] if trend.empty else []
    if trend.clipped_from is not None:
        days = round((trend.end - trend.start) / 86400)
        lines.append(f"showing the last {days} days: the store keeps no more")
    return "\n".join(lines)

