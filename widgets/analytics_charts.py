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
USUAL_RANGE = {"hr": (50.0, 110.0), "spo2": (90.0, 100.0)}  # widened when data falls outside


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
        if start + 2 * HOUR <= moment.timestamp() <= end - 2 * HOUR and moment.hour % every_h == 0:
            ticks.append((moment.timestamp(), moment.strftime("%H:%M")))
    return ticks


class RegionColumn:
    """Plots of one region, stacked in one column of a GraphicsLayout; created once, then updated."""

    def __init__(self, layout: pg.GraphicsLayout, column: int, region: str) -> None:
        self.region = region
        self.title = layout.addLabel(region, row=0, col=column, justify="left", color=palette.TEXT)
        self.alarm_plot = _plot(layout, 1, column, "alarms / h", palette.TEXT_DIM)
        self.heart_rate_plot = _plot(layout, 2, column, "HR bpm", palette.VITAL_COLOURS["heart_rate"])
        self.spo2_plot = _plot(layout, 3, column, "SpO\u2082 %", palette.VITAL_COLOURS["spo2"], time_axis=True)
        self.occupancy_plot = _occupancy_plot(layout, 4, column)
        self.alarm_bars = pg.BarGraphItem(x=[], height=[], width=HOUR * 0.8, brush=ALARM_BARS, pen=None)
        self.alarm_plot.addItem(self.alarm_bars)
        self.heart_rate_curve = _curve(self.heart_rate_plot, palette.VITAL_COLOURS["heart_rate"])
        self.spo2_curve = _curve(self.spo2_plot, palette.VITAL_COLOURS["spo2"])
        for plot in (self.alarm_plot, self.heart_rate_plot):
            plot.setXLink(self.spo2_plot)
        self.ward_tracks = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7, brush=palette.BORDER, pen=None)
        self.ward_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7, brush=OCCUPANCY_BAR, pen=None)
        self.ward_texts: list[pg.TextItem] = []
        for item in (self.ward_tracks, self.ward_bars):
            self.occupancy_plot.addItem(item)

    def show_hours(self, hours: list[WardHour], start: float, end: float) -> None:
        region = merge_wards(hours)
        starts = np.array([h.hour for h in region], dtype=np.float64)
        alarms = np.array([h.alarms for h in region], dtype=np.float64)
        self.alarm_bars.setOpts(x=starts + HOUR / 2, height=alarms)
        self.alarm_plot.setYRange(0, max(4.0, alarms.max(initial=0)) * (1 + HEADROOM), padding=0)
        # Lines run over every hour of the window, so that an hour without data is a gap.
        by_hour = {h.hour: h for h in region}
        grid = [by_hour.get(hour) for hour in np.arange(start, end, HOUR)]
        for curve, plot, key, means in (
            (self.heart_rate_curve, self.heart_rate_plot, "hr", [h and h.heart_rate_mean for h in grid]),
            (self.spo2_curve, self.spo2_plot, "spo2", [h and h.spo2_mean for h in grid]),
        ):
            values = np.array([np.nan if m is None else m for m in means], dtype=np.float64)
            curve.setData(np.arange(start, end, HOUR) + HOUR / 2, values, connect="finite")
            _fit_y(plot, values, USUAL_RANGE[key])
        self.spo2_plot.setXRange(start, end, padding=0)
        self.spo2_plot.getAxis("bottom").setTicks([hour_ticks(start, end)])
        self.title.setText(f"<b>{self.region}</b> &nbsp;{int(alarms.sum())} alarms in 24 h")

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


def _plot(layout: pg.GraphicsLayout, row: int, column: int, name: str, colour: str, time_axis=False):
    axes = {"bottom": pg.DateAxisItem()} if time_axis else {}
    plot = layout.addPlot(row=row, col=column, axisItems=axes)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)  # an overview: nothing to pan or zoom by accident
    plot.hideButtons()
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
    plot = layout.addPlot(row=row, col=column)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.invertY(True)  # the first ward on top, as in a list
    plot.setXRange(0, 1, padding=0)
    return plot


def _curve(plot: pg.PlotItem, colour: str) -> pg.PlotDataItem:
    pen = pg.mkPen(colour, width=1.5)
    return plot.plot(pen=pen, symbol="o", symbolSize=3, symbolPen=None, symbolBrush=colour)


def _fit_y(plot: pg.PlotItem, values: np.ndarray, usual: tuple[float, float]) -> None:
    """The usual range, widened only to take in the data, with headroom for the plot's name."""
    low, high = usual
    if np.isfinite(values).any():
        low, high = min(low, np.nanmin(values)), max(high, np.nanmax(values))
    plot.setYRange(low, high + (high - low) * HEADROOM, padding=0.02)
