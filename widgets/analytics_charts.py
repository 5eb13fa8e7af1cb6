"""One region's column of the analytics panel: alarms, mean HR and SpO₂ per hour, ward occupancy."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

from stores.model import WardHour, WardOccupancy
from widgets import palette
from widgets.label_room import RoomUnderLabel
from widgets.value_axis import ValueAxis

HOUR = 3600.0
ALARM_BARS = "#8a9bb0"  # neutral: the count mixes every priority, so no alarm colour fits it
OCCUPANCY_BAR = "#2f6f9f"
NAME_TOP = -2  # px from the top of a plot to its name's box (in the grid's line above the data)
LABEL_GAP = 8  # px at least between two clock labels of a time axis
TEXT_PADDING = 12  # px around a ward's occupancy text in its bar
# px of a plot at least: its name over the top of its data, and two ticks of its axis; what a
# 1366x768 window gives it with the banner quiet, so that one scrolls only when the banner is
# full (four rows: the plots would be 10-20 px, each name drawn over all of its data); the plot
# with the time axis needs its labels' height more
PLOT_MIN_HEIGHT = 30
TIME_AXIS_HEIGHT = 20
USUAL_RANGE = {"heart_rate": (50.0, 110.0), "spo2": (90.0, 100.0)}  # widened to take in data


def merge_wards(hours: list[WardHour]) -> list[WardHour]:
    """One rollup per hour for the whole region, the wards added together, oldest first."""
    merged: dict[float, WardHour] = {}
    for hour in hours:
        merged[hour.hour] = merged[hour.hour].merged(hour) if hour.hour in merged else hour
    return [merged[start] for start in sorted(merged)]


def hour_ticks(start: float, end: float, every_h: int = 6) -> list[tuple[float, str]]:
    """Local clock hours ("06:00") every `every_h` hours (see `hours_per_label`).

    DateAxisItem alone would pick one label a day at a column's width.
    """
    first = datetime.fromtimestamp(start).replace(minute=0, second=0, microsecond=0)
    ticks = []
    for offset in range(int((end - start) // HOUR) + 2):
        moment = first + timedelta(hours=offset)
        # Not near the ends, where half the label would stick out of the axis and be dropped.
        inside = start + 3 * HOUR <= moment.timestamp() <= end - 2 * HOUR
        if inside and moment.hour % every_h == 0:
            ticks.append((moment.timestamp(), moment.strftime("%H:%M")))
    return ticks


def hours_per_label(width: float, day_s: float = 24 * HOUR) -> int:
    """Every 6, 12 or 24 hours: the closest spacing at which a day `width` px wide keeps its
    clock labels apart (a column of a narrow panel has room for two, not four)."""
    room = QFontMetrics(tick_font()).horizontalAdvance("00:00") + LABEL_GAP
    return next((every for every in (6, 12) if width * every * HOUR / day_s >= room), 24)


def tick_font() -> QFont:
    small = QFont()
    small.setPointSizeF(7.5)
    return small


class RegionColumn:
    """Plots of one region, stacked in one column of a GraphicsLayout; created once, then updated."""

    def __init__(self, layout: pg.GraphicsLayout, column: int, region: str) -> None:
        self.region = region
        hr_colour, spo2_colour = palette.VITAL_COLOURS["heart_rate"], palette.VITAL_COLOURS["spo2"]
        self.title = layout.addLabel(region, row=0, col=column, justify="left", color=palette.TEXT)
        self.alarm_plot, self.alarm_room = _plot(layout, 1, column, "alarms / h",
                                                 palette.TEXT_DIM, padding=0)
        self.heart_rate_plot, self.heart_rate_room = _plot(layout, 2, column, "HR bpm", hr_colour)
        self.spo2_plot, self.spo2_room = _plot(layout, 3, column, "SpO\u2082 %", spo2_colour,
                                               time_axis=True)
        self.occupancy_plot = _occupancy_plot(layout, 4, column)
        for plot in (self.alarm_plot, self.heart_rate_plot):
            plot.setXLink(self.spo2_plot)
        self.alarm_bars = _bars(self.alarm_plot, ALARM_BARS, x=[], height=[], width=HOUR * 0.8)
        self.heart_rate_curve = _curve(self.heart_rate_plot, hr_colour)
        self.spo2_curve = _curve(self.spo2_plot, spo2_colour)
        # Per ward a full-width track, and over it a bar as long as the ward is full.
        ward_rows = dict(x0=[], y=[], width=[], height=0.7)
        self.ward_tracks = _bars(self.occupancy_plot, palette.BORDER, **ward_rows)
        self.ward_bars = _bars(self.occupancy_plot, OCCUPANCY_BAR, **ward_rows)
        self.ward_texts: list[pg.TextItem] = []
        self._day: tuple[float, float] | None = None  # the window of the hours shown
        self.spo2_plot.vb.sigResized.connect(self._label_hours)

    def show_hours(self, hours: list[WardHour], start: float, end: float) -> None:
        """This region's rollups (any wards, any order) over the window from `start` to `end`."""
        region = merge_wards(hours)
        alarms = np.array([h.alarms for h in region], dtype=np.float64)
        starts = np.array([h.hour for h in region], dtype=np.float64)
        self.alarm_bars.setOpts(x=starts + HOUR / 2, height=alarms)
        self.alarm_room.show(0, max(4.0, alarms.max(initial=0)))
        # two lines: a column then needs no more width than its charts, and three regions fit
        # side by side in a third of a 1366 px window
        self.title.setText(f"<b>{self.region}</b><br><span style='color: {palette.TEXT_DIM}'>"
                           f"{int(alarms.sum())} alarms in 24 h</span>")
        # Lines run over every hour of the window, so that an hour without data is a gap.
        slots = np.arange(start, end, HOUR)
        by_hour = {h.hour: h for h in region}
        hours_of_window = [by_hour.get(slot) for slot in slots]
        _show_means(self.heart_rate_curve, self.heart_rate_room, slots, hours_of_window,
                    "heart_rate")
        _show_means(self.spo2_curve, self.spo2_room, slots, hours_of_window, "spo2")
        self.spo2_plot.setXRange(start, end, padding=0)
        self._day = (start, end)
        self._label_hours()

    def _label_hours(self, *_view) -> None:
        """The time axis's clock labels, as many as its width keeps apart."""
        if self._day is not None:
            every = hours_per_label(self.spo2_plot.vb.width(), self._day[1] - self._day[0])
            self.spo2_plot.getAxis("bottom").setTicks([hour_ticks(*self._day, every)])

    def show_occupancy(self, wards: list[WardOccupancy], rows: int) -> None:
        wards = sorted(wards, key=lambda w: w.ward)
        places = np.arange(len(wards), dtype=np.float64)
        self.ward_tracks.setOpts(x0=np.zeros(len(wards)), y=places, width=np.ones(len(wards)))
        self.ward_bars.setOpts(x0=np.zeros(len(wards)), y=places, width=[w.fraction for w in wards])
        while len(self.ward_texts) < len(wards):
            text = pg.TextItem(color=palette.TEXT, anchor=(0, 0.5))
            self.occupancy_plot.addItem(text)
            self.ward_texts.append(text)
        for index, text in enumerate(self.ward_texts):
            text.setVisible(index < len(wards))
            if index < len(wards):
                ward = wards[index]
                text.setText(f"{ward.ward}  {ward.occupied}/{ward.beds}  {ward.fraction:.0%}")
                text.setPos(0.02, index)
        self.occupancy_plot.setYRange(-0.5, max(rows, 1) - 0.5, padding=0)
        # the plot clips what lies outside it: its column is made at least as wide as the names
        shown = [text.boundingRect().width() for text in self.ward_texts if text.isVisible()]
        self.occupancy_plot.setMinimumWidth(max(shown, default=0) + TEXT_PADDING)

    def occupancy_texts(self) -> list[str]:
        return [text.toPlainText() for text in self.ward_texts if text.isVisible()]


def _still_plot(layout: pg.GraphicsLayout, row: int, column: int, **options) -> pg.PlotItem:
    # no context menus: built with the plot (and dropped at once) they cost about 6 ms a plot
    plot = layout.addPlot(row=row, col=column, enableMenu=False, **options)
    plot.setMouseEnabled(x=False, y=False)  # an overview: nothing to pan or zoom by accident
    plot.hideButtons()
    return plot


def _plot(layout: pg.GraphicsLayout, row: int, column: int, name: str, colour: str,
          time_axis: bool = False, padding: float = 0.02) -> tuple[pg.PlotItem, RoomUnderLabel]:
    """A plot with its name in the top-left corner, and what keeps its data under the name."""
    axes = {"left": ValueAxis("left")}
    if time_axis:
        axes["bottom"] = pg.DateAxisItem()
    plot = _still_plot(layout, row, column, axisItems=axes)
    plot.showGrid(x=True, y=True, alpha=0.12)
    if not time_axis:
        plot.hideAxis("bottom")  # the time axis under the column's last plot serves all three
    small = tick_font()
    for axis_name in ("left", "bottom"):
        axis = plot.getAxis(axis_name)
        axis.setPen(palette.BORDER)
        axis.setTextPen(palette.TEXT_DIM)
        axis.setStyle(tickFont=small, tickTextOffset=2)
    plot.getAxis("left").setWidth(26)
    plot.setMinimumHeight(PLOT_MIN_HEIGHT + (TIME_AXIS_HEIGHT if time_axis else 0))
    label = pg.LabelItem(name, justify="left", size="7.5pt", color=colour)
    label.setParentItem(plot.vb)
    label.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(2, NAME_TOP))
    return plot, RoomUnderLabel(plot, label, padding)


def _occupancy_plot(layout: pg.GraphicsLayout, row: int, column: int) -> pg.PlotItem:
    plot = _still_plot(layout, row, column)
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.invertY(True)  # the first ward on top, as in a list
    plot.setXRange(0, 1, padding=0)
    return plot


def _bars(plot: pg.PlotItem, colour: str, **shape) -> pg.BarGraphItem:
    bars = pg.BarGraphItem(brush=colour, pen=None, **shape)
    plot.addItem(bars)
    return bars


def _show_means(curve: pg.PlotDataItem, room: RoomUnderLabel, slots: np.ndarray,
                hours: list[WardHour | None], vital: str) -> None:
    """Mean `vital` ("heart_rate", "spo2") per hour; NaN, a gap, where an hour has none."""
    means = [getattr(h, f"{vital}_mean") if h else None for h in hours]
    values = np.array([np.nan if m is None else m for m in means], dtype=np.float64)
    if np.isfinite(values).any():
        curve.setData(slots + HOUR / 2, values, connect="finite")
    else:
        curve.setData([], [])  # all gaps: pyqtgraph cannot bound an all-NaN curve
    room.show(*_usual_or_wider(values, USUAL_RANGE[vital]))


def _curve(plot: pg.PlotItem, colour: str) -> pg.PlotDataItem:
    pen = pg.mkPen(colour, width=1.5)
    return plot.plot(pen=pen, symbol="o", symbolSize=3, symbolPen=None, symbolBrush=colour)


def _usual_or_wider(values: np.ndarray, usual: tuple[float, float]) -> tuple[float, float]:
    """The usual range, widened only to take in the data."""
    low, high = usual
    if np.isfinite(values).any():
        low, high = min(low, np.nanmin(values)), max(high, np.nanmax(values))
    return low, high
