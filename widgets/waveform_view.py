"""The selected bed's live ECG II and pleth, swept across at 25 mm/s like a bedside monitor."""

from __future__ import annotations

import time
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot

from stores.model import Waveform, WaveformChunk
from widgets import palette
from widgets.sweep.curves import SweepCurves
from widgets.sweep.model import HEAD_DELAY_S, SWEEP_MM_S
from widgets.sweep.scale import screen_px_per_mm

FRAME_MS = 33  # ~30 redraws a second: 3 px per frame at 25 mm/s, smooth and half the 60 Hz cost

# The y range each strip keeps (no autoscale, a monitor's gain is fixed): mV (the simulated QRS
# reaches ~1.8 mV), and 0..1 for pleth.
Y_RANGES = {Waveform.ECG_II: (-0.7, 2.0), Waveform.PLETH: (-0.05, 1.05)}
# What a strip says instead of its speed, by the sweep's signal ("live" needs no words).
NOTICES = {Waveform.ECG_II: {"invalid": "leads off", "none": "no signal"},
           Waveform.PLETH: {"invalid": "sensor off", "none": "no signal"}}


class WaveformView(pg.GraphicsLayoutWidget):
    """Two strips, ECG II above pleth; chunks come through `add_chunks`, a timer redraws.
    `pixels_per_mm` is the station's calibration of the screen (None: the screen's own)."""

    def __init__(self, clock: Callable[[], float] = time.time, parent=None, *,
                 pixels_per_mm: float | None = None, delay_s: float = HEAD_DELAY_S,
                 frame_ms: int = FRAME_MS) -> None:
        super().__init__(parent)
        self.setBackground(palette.PANEL)
        self.setObjectName("WaveformView")
        self.ci.layout.setContentsMargins(0, 0, 0, 0)
        self.ci.layout.setSpacing(0)
        self._clock, self._calibrated_px_per_mm = clock, pixels_per_mm
        self.plots = {w: self._add_strip(row, w) for row, w in enumerate(Waveform)}
        self.strips = {w: SweepCurves(self.plots[w], w, delay_s) for w in Waveform}
        self.labels = {w: self._add_label(w) for w in Waveform}
        self._timer = QTimer(self, interval=frame_ms, timeout=self.redraw)

    def _add_strip(self, row: int, waveform: Waveform) -> pg.PlotItem:
        item = self.addPlot(row=row, col=0)
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.setYRange(*Y_RANGES[waveform], padding=0)
        return item

    def _add_label(self, waveform: Waveform) -> pg.LabelItem:
        label = pg.LabelItem("", justify="left", size="9pt")
        label.setParentItem(self.plots[waveform].vb)
        label.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(4, 0))
        return label

    def close(self) -> bool:
        self._timer.stop()  # it must not outlive the plots pyqtgraph's close() destroys
        return super().close()

    def pixels_per_mm(self) -> float:
        return screen_px_per_mm(self.screen(), self._calibrated_px_per_mm)

    def sweeping(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def start(self) -> None:
        """A bed is shown: empty strips, and the sweep starts."""
        for strip in self.strips.values():
            strip.clear()
        self._timer.start()
        self.redraw()

    @Slot()
    def stop(self) -> None:
        """No bed: the strips go blank and the sweep stops (nothing to redraw)."""
        self._timer.stop()
        for waveform, strip in self.strips.items():
            strip.clear()
            self._set_label(waveform, "")

    @Slot(list)
    def add_chunks(self, chunks: list[WaveformChunk]) -> None:
        """Keep new samples; the next frame draws them (never a redraw per chunk)."""
        for strip in self.strips.values():
            strip.add(chunks)

    @Slot()
    def redraw(self) -> None:
        """One frame: every strip's head moved to now, and what that changed drawn."""
        now, pixels_per_mm = self._clock(), self.pixels_per_mm()
        for waveform, strip in self.strips.items():
            self._place(waveform, pixels_per_mm)
            strip.redraw(now)
            notice = NOTICES[waveform].get(strip.signal(now), f"{SWEEP_MM_S:.0f} mm/s")
            self._set_label(waveform, notice)

    def _place(self, waveform: Waveform, pixels_per_mm: float) -> None:
        """The strip's x axis is its pixels: the sweep's columns are the screen's."""
        plot = self.plots[waveform]
        width = plot.vb.width()
        self.strips[waveform].place(width, pixels_per_mm)
        if plot.vb.viewRange()[0] != [0.0, width]:
            plot.setXRange(0.0, width, padding=0)

    def _set_label(self, waveform: Waveform, notice: str) -> None:
        text = f"{waveform.label}&nbsp;&nbsp;<span style='color:{palette.TEXT_DIM}'>{notice}</span>"
        if text != self.labels[waveform].text:
            self.labels[waveform].setText(text, color=palette.WAVEFORM_COLOURS[waveform])

    def label(self, waveform: Waveform) -> str:
        return self.labels[waveform].text
