"""`bench window`'s comparison: the same beds drawn the plain pyqtgraph way, measured alike.

What it is: for each window of the station (one, or two for a split ward), a window of the same
size holding, where the station's bed grid is, a grid of as many columns with one pyqtgraph
PlotWidget per bed. A timer of 16 ms calls `setData` on every bed's curve with its whole ECG
trace: the seconds the plot is wide at 25 mm/s of the station's scale, x in seconds before the
clock (less the sweep's head delay), so the trace scrolls. The ECG is the station's own: its
waveform feeds (the simulator's chunks, read back from the vitals store by the same poll) append
to each bed's trace. Meanwhile the station's windows are hidden, so their grids, banner and
chart draw nothing, but the simulator and every feed go on: both runs pay for the same data
path, and differ in the drawing.

Fair, and where not equal, in the plain grid's favour: the same beds, window size, grid area,
duration and process. The plots get pyqtgraph's own advice for live curves (each curve made
once, pen width 1, no antialiasing, fixed ranges, no axes or mouse, clip-to-view, peak
downsampling); they draw only the ECG, where a station tile also draws the bed's numbers,
trend and alarm state.

Figures: `plain_fps`, `plain_frame_ms_p99`, `plain_cpu_percent` (and `plain_frame_ms_p50`,
`plain_frame_ms_max`, `plain_frames`; a frame told by one plot's paints, `frame_witness`);
`fps_ratio`, ours over plain; `cpu_per_bed_percent` of each and `cpu_per_bed_ratio`, ours over
plain (the same beds: the CPU ratio; below 1, ours is cheaper). A grid that cannot keep up draws
fewer frames for its CPU, and on a busy machine neither gets a whole core, so the CPU ratio alone
can flatter the slower one: `cpu_per_bed_frame_ratio` is what each spends to draw a bed once
(its CPU over its frames per second), ours over plain.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QWidget

from app.bench.common import READY_LIMIT_S, BenchScreen, BenchStation, until
from app.bench.frame_rate import measure_frames
from app.bench.frames import WindowPaints
from stores.model import Waveform, WaveformChunk
from widgets import palette
from widgets.sweep.model import HEAD_DELAY_S
from widgets.sweep.scale import px_per_s

FRAME_MS = 16
KEEP_S = 20.0  # of each bed's trace: more than the widest plot shows
SETTLE_S = 1.0  # as the station's run: the timers steady before measuring
Y_RANGE_MV = (-1.0, 2.0)  # an ECG II in millivolts, as the simulator writes it


class PlainTrace:
    """One bed's ECG samples and their times, the last KEEP_S seconds."""

    def __init__(self) -> None:
        self.times = np.empty(0)
        self.values = np.empty(0)

    def add(self, chunk: WaveformChunk) -> None:
        times = chunk.start + np.arange(len(chunk.values)) / chunk.rate_hz
        # a chunk sent again replaces what it covers; a late one goes where it belongs
        keep = (self.times < chunk.start) | (self.times >= chunk.end)
        times = np.concatenate([self.times[keep], times])
        values = np.concatenate([self.values[keep], np.asarray(chunk.values, float)])
        if np.any(np.diff(times) < 0):
            order = np.argsort(times, kind="stable")
            times, values = times[order], values[order]
        recent = times >= times[-1] - KEEP_S
        self.times, self.values = times[recent], values[recent]

    def spans(self) -> float:
        return float(self.times[-1] - self.times[0]) if len(self.times) > 1 else 0.0


class PlainGrid(QWidget):
    """A PlotWidget per bed, `columns` wide; `draw()` sets every curve's whole trace."""

    def __init__(self, bed_ids: list[str], columns: int, speed_px_s: float,
                 clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._speed, self._clock = speed_px_s, clock
        self.traces = {bed_id: PlainTrace() for bed_id in bed_ids}
        self.plots: dict[str, pg.PlotWidget] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._spans: dict[str, float] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for index, bed_id in enumerate(bed_ids):
            plot, self._curves[bed_id] = _plot()
            self.plots[bed_id] = plot
            layout.addWidget(plot, index // columns, index % columns)
        self.timer = QTimer(self, interval=FRAME_MS, timeout=self.draw)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)

    def add_waveforms(self, chunks: dict[str, list[WaveformChunk]]) -> None:
        """The station's waveform feed's new chunks; beds of another window are left out."""
        for bed_id, bed_chunks in chunks.items():
            if bed_id in self.traces:
                for chunk in bed_chunks:
                    self.traces[bed_id].add(chunk)

    def span_s(self, bed_id: str) -> float:
        """The seconds the bed's plot is wide at 25 mm/s."""
        return max(0.5, self.plots[bed_id].width() / self._speed)

    def frame_witness(self) -> QWidget:
        """What a frame of this grid is told by: its last plot's paints.

        Each PlotWidget is a view of its own scene, and Qt paints each in a repaint pass of its
        own, so a pass that paints any plot is not a frame of the grid. Every tick sets every
        curve, so each plot is painted once per tick shown: one plot's paints count the frames
        and their intervals, as the station's tiles do (its tiles share one pass per frame)."""
        return list(self.plots.values())[-1].viewport()

    def filled(self) -> bool:
        """Every bed's trace is as long as its plot shows (laid out: a plot's width before
        makes a shorter span)."""
        return all(trace.spans() >= self.span_s(bed) + HEAD_DELAY_S
                   for bed, trace in self.traces.items())

    def draw(self) -> None:
        shown_until = self._clock() - HEAD_DELAY_S
        for bed_id, trace in self.traces.items():
            span = self.span_s(bed_id)
            if self._spans.get(bed_id) != span:
                self._spans[bed_id] = span
                self.plots[bed_id].setXRange(-span, 0.0, padding=0)
            first = np.searchsorted(trace.times, shown_until - span)
            self._curves[bed_id].setData(trace.times[first:] - shown_until, trace.values[first:])


def _plot() -> tuple[pg.PlotWidget, pg.PlotDataItem]:
    plot = pg.PlotWidget(background=palette.PANEL)
    for axis in ("left", "bottom"):
        plot.hideAxis(axis)
    plot.setMouseEnabled(False, False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.disableAutoRange()
    plot.setYRange(*Y_RANGE_MV, padding=0)
    curve = plot.plot(pen=pg.mkPen(palette.WAVEFORM_COLOURS[Waveform.ECG_II], width=1))
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    return plot, curve


def plain_window(screen: BenchScreen) -> tuple[QWidget, PlainGrid]:
    """A window of the station window's size, a PlainGrid where its bed grid is."""
    grid = screen.grid
    window = QWidget()
    window.setWindowTitle("Plain pyqtgraph grid (bench)")
    window.setStyleSheet(f"background-color: {palette.BACKGROUND};")
    window.resize(screen.window.size())
    bed_ids = [tile.bed.id for tile in grid.tiles()]
    plain = PlainGrid(bed_ids, grid.columns(), px_per_s(grid.pixels_per_mm()), parent=window)
    plain.setGeometry(QRect(grid.mapTo(grid.window(), QPoint(0, 0)), grid.size()))
    return window, plain


async def compare_plain(bench: BenchStation, seconds: float, ours: dict) -> dict:
    """Run the plain grids of the station's beds for `seconds` and compare with `ours`."""
    screens = bench.screens()
    built = [plain_window(screen) for screen in screens]
    paints = [WindowPaints(window) for window, _ in built]
    for _, plain in built:
        for screen in screens:  # each grid takes its own beds from whichever feed has them
            screen.waveform_feed.chunks_added.connect(plain.add_waveforms)
    try:
        for screen in screens:
            screen.window.hide()
        for window, plain in built:
            window.show()
            plain.layout().activate()  # the plots' widths now: they set the traces' spans
            plain.timer.start()
        await until(lambda: all(plain.filled() for _, plain in built), READY_LIMIT_S,
                    "the plain grid's traces filling")
        await asyncio.sleep(SETTLE_S)
        figures = await measure_frames(
            [(probe, [plain.frame_witness()]) for probe, (_, plain) in zip(paints, built)],
            seconds)
    finally:
        _take_down(screens, built, paints)
    return _compared(ours, figures, len(bench.patients))


def _take_down(screens: list[BenchScreen], built: list, paints: list[WindowPaints]) -> None:
    """Close the plain windows and show the station's again (history measures its chart)."""
    for screen in screens:
        for _, plain in built:
            screen.waveform_feed.chunks_added.disconnect(plain.add_waveforms)
    for probe, (window, plain) in zip(paints, built):
        plain.timer.stop()
        probe.close()
        window.close()
        window.deleteLater()
    for screen in screens:
        screen.window.show()


def _compared(ours: dict, plain: dict, beds: int) -> dict:
    # a plain frame's passes are many (one per plot): a pass's time is not a frame's paint time
    figures = {f"plain_{name}": value for name, value in plain.items()
               if not name.startswith("paint_ms")}
    ours_per_bed = ours["cpu_percent"] / beds
    plain_per_bed = plain["cpu_percent"] / beds
    return figures | {
        "fps_ratio": round(ours["fps"] / plain["fps"], 2) if plain["fps"] else None,
        "cpu_per_bed_percent": round(ours_per_bed, 2),
        "plain_cpu_per_bed_percent": round(plain_per_bed, 2),
        "cpu_per_bed_ratio": round(ours_per_bed / plain_per_bed, 2) if plain_per_bed else None,
        "cpu_per_bed_frame_ratio": _per_frame_ratio(ours, plain),
    }


def _per_frame_ratio(ours: dict, plain: dict) -> float | None:
    """(our CPU / our fps) / (its CPU / its fps): the same beds, so the cost of a bed drawn once."""
    if not (ours["fps"] and plain["fps"] and plain["cpu_percent"]):
        return None
    return round((ours["cpu_percent"] / ours["fps"]) / (plain["cpu_percent"] / plain["fps"]), 2)
