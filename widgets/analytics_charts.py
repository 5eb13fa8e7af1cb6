"""One region's column of the analytics panel: alarms, mean HR and SpO₂ per hour, ward occupancy."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont

from stores.model import WardHour, WardOccupancy
from widgets import palette

HOUR = 3600.0
ALARM_BARS = "#8a9bb0"  # neutral: the count mixes every priority, so no alarm colour fits it
OCCUPANCY_BAR = "#2f6f9f"
HEADROOM = 0.35  # of a plot's height, kept free above the data for its name
USUAL_RANGE = {"heart_rate": (50.0, 110.0), "spo2": (90.0, 100.0)}  # widened to take in data


def merge_wards(hours: list[WardHour]) -> list[WardHour]:
    """One rollup per hour for the whole region, the wards added together, oldest first."""
    merged: dict[float, WardHour] = {}
    for hour in hours:
        merged[hour.hour] = merged[hour.hour].merged(hour) if hour.hour in merged else hour
    return [merged[start] for start in sorted(merged)]


def hour_ticks(start: float, end: float, every_h: int = 6) -> list[tuple[float, str]]:
    """Local clock hours ("06:00") every few hours: a day in ~180 px has room for four labels.

    DateAxisItem alone would pick one label a day at this width.
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


class RegionColumn:
    """Plots of one region, stacked in one column of a GraphicsLayout; created once, then updated."""

    def __init__(self, layout: pg.GraphicsLayout, column: int, region: str) -> None:
        self.region = region
        hr_colour, spo2_colour = palette.VITAL_COLOURS["heart_rate"], palette.VITAL_COLOURS["spo2"]
        self.title = layout.addLabel(region, row=0, col=column, justify="left", color=palette.TEXT)
        self.alarm_plot = _plot(layout, 1, column, "alarms / h", palette.TEXT_DIM)
        self.heart_rate_plot = _plot(layout, 2, column, "HR bpm", hr_colour)
        self.spo2_plot = _plot(layout, 3, column, "SpO\u2082 %", spo2_colour, time_axis=True)
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

    def show_hours(self, hours: list[WardHour], start: float, end: float) -> None:
        """This region's rollups (any wards, any order) over the window from `start` to `end`."""
        region = merge_wards(hours)
        alarms = np.array([h.alarms for h in region], dtype=np.float64)
        starts = np.array([h.hour for h in region], dtype=np.float64)
        self.alarm_bars.setOpts(x=starts + HOUR / 2, height=alarms)
        self.alarm_plot.setYRange(0, max(4.0, alarms.max(initial=0)) * (1 + HEADROOM), padding=0)
        self.title.setText(f"<b>{self.region}</b> &nbsp;{int(alarms.sum())} alarms in 24 h")
        # Lines run over every hour of the window, so that an hour without data is a gap.
        slots = np.arange(start, end, HOUR)
        by_hour = {h.hour: h for h in region}
        hours_of_window = [by_hour.get(slot) for slot in slots]
        _show_means(self.heart_rate_curve, slots, hours_of_window, "heart_rate")
        _show_means(self.spo2_curve, slots, hours_of_window, "spo2")
        self.spo2_plot.setXRange(start, end, padding=0)
        self.spo2_plot.getAxis("bottom").setTicks([hour_ticks(start, end)])

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

    def occupancy_texts(self) -> list[str]:
        return [text.toPlainText() for text in self.ward_texts if text.isVisible()]


def _still_plot(layout: pg.GraphicsLayout, row: int, column: int, **options) -> pg.PlotItem:
    # no context menus: built with the plot (and dropped at once) they cost about 6 ms a plot
    plot = layout.addPlot(row=row, col=column, enableMenu=False, **options)
    plot.setMouseEnabled(x=False, y=False)  # an overview: nothing to pan or zoom by accident
    plot.hideButtons()
    return plot


def _plot(layout: pg.GraphicsLayout, row: int, column: int, name: str, colour: str, time_axis=False):
    axes = {"bottom": pg.DateAxisItem()} if time_axis else {}
    plot = _still_plot(layout, row, column, axisItems=axes)
    plot.showGrid(x=True, y=True, alpha=0.12)
    if not time_axis:
        plot.hideAxis("bottom")  # the time axis under the column's last plot serves all three
    small = QFont()
    small.setPointSizeF(7.5)
    for axis_name in ("left", "bottom"):
        axis = plot.getAxis(axis_name)
        axis.setPen(palette.BORDER)
        axis.setTextPen(palette.TEXT_DIM)
        axis.setStyle(tickFont=small, tickTextOffset=2)
    plot.getAxis("left").setWidth(26)
    label = pg.LabelItem(name, justify="left", size="7.5pt", color=colour)
    label.setParentItem(plot.vb)
    label.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(2, -2))
    return plot


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


def _show_means(
    curve: pg.PlotDataItem, slots: np.ndarray, hours: list[WardHour | None], vital: str
) -> None:
    """Mean `vital` ("heart_rate", "spo2") per hour; NaN, a gap, where an hour has none."""
    means = [getattr(h, f"{vital}_mean") if h else None for h in hours]
    values = np.array([np.nan if m is None else m for m in means], dtype=np.float64)
    if np.isfinite(values).any():
        curve.setData(slots + HOUR / 2, values, connect="finite")
    else:
        curve.setData([], [])  # all gaps: pyqtgraph cannot bound an all-NaN curve
    _fit_y(curve.getViewBox(), values, USUAL_RANGE[vital])


def _curve(plot: pg.PlotItem, colour: str) -> pg.PlotDataItem:
    pen = pg.mkPen(colour, width=1.5)
    return plot.plot(pen=pen, symbol="o", symbolSize=3, symbolPen=None, symbolBrush=colour)


def _fit_y(view: pg.ViewBox, values: np.ndarray, usual: tuple[float, float]) -> None:
    """The usual range, widened only to take in the data, with headroom for the plot's name."""
    low, high = usual
    if np.isfinite(values).any():
        low, high = min(low, np.nanmin(values)), max(high, np.nanmax(values))
    view.setYRange(low, high + (high - low) * HEADROOM, padding=0.02)
