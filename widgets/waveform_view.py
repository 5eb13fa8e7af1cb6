"""The selected bed's live ECG II and pleth, swept across at 25 mm/s like a bedside monitor."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot

from stores.model import Waveform, WaveformChunk
from widgets import palette
from widgets.waveform_segments import SEGMENT_S, SegmentedCurve
from widgets.waveform_sweep import Sweep

SWEEP_MM_S = 25.0  # the paper speed every monitor uses, so the strip reads like one
DELAY_S = 1.0  # the head trails "now" so that chunks (polled every 250 ms) arrive before it
ERASE_S = 0.25  # the blank bar ahead of the head
FRAME_MS = 33  # ~30 redraws a second: 3 px per frame at 25 mm/s, smooth and half the 60 Hz cost
WINDOW_STEP_S = 0.04  # 10 ECG and 5 pleth samples
NO_SIGNAL_S = 3.0  # with no sample newer than this behind the head, the strip says so

# The y range each strip keeps (no autoscale, a monitor's gain is fixed): mV (the simulated QRS
# reaches ~1.8 mV), and 0..1 for pleth.
Y_RANGES = {Waveform.ECG_II: (-0.7, 2.0), Waveform.PLETH: (-0.05, 1.05)}
COLOURS = {Waveform.ECG_II: palette.VITAL_COLOURS["heart_rate"],
           Waveform.PLETH: palette.VITAL_COLOURS["spo2"]}


class WaveformView(pg.GraphicsLayoutWidget):
    """Two strips, ECG II above pleth; chunks come through `add_chunks`, a timer redraws."""

    def __init__(self, clock: Callable[[], float] = time.time, parent=None, *,
                 delay_s: float = DELAY_S, frame_ms: int = FRAME_MS) -> None:
        super().__init__(parent)
        self.setBackground(palette.PANEL)
        self.setObjectName("WaveformView")
        self.ci.layout.setContentsMargins(0, 0, 0, 0)
        self.ci.layout.setSpacing(0)
        self._clock, self._delay_s = clock, delay_s
        self.sweeps = {w: Sweep(w.rate_hz) for w in Waveform}
        self.plots = {w: self._add_strip(row, w) for row, w in enumerate(Waveform)}
        self.curves = {w: self._add_curve(w) for w in Waveform}
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

    def _add_curve(self, waveform: Waveform) -> SegmentedCurve:
        pen = pg.mkPen(COLOURS[waveform], width=1)
        return SegmentedCurve(self.plots[waveform], pen, round(SEGMENT_S * waveform.rate_hz))

    def _add_label(self, waveform: Waveform) -> pg.LabelItem:
        label = pg.LabelItem("", justify="left", size="9pt")
        label.setParentItem(self.plots[waveform].vb)
        label.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(4, 0))
        return label

    def close(self) -> bool:
        self._timer.stop()  # it must not outlive the plots pyqtgraph's close() destroys
        return super().close()

    def window_s(self) -> float:
        """Seconds across the strip at 25 mm/s on this screen."""
        px_per_mm = self.logicalDpiX() / 25.4
        width = self.plots[Waveform.ECG_II].vb.width() or self.width()
        seconds = max(2.0, width / (px_per_mm * SWEEP_MM_S))
        # a whole number of samples of every waveform, so that their heads stay level
        return round(seconds / WINDOW_STEP_S) * WINDOW_STEP_S

    def sweeping(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def start(self) -> None:
        """A bed is shown: empty strips, and the sweep starts."""
        for sweep in self.sweeps.values():
            sweep.clear()
        self._timer.start()
        self.redraw()

    @Slot()
    def stop(self) -> None:
        """No bed: the strips go blank and the sweep stops (nothing to redraw)."""
        self._timer.stop()
        for waveform, sweep in self.sweeps.items():
            sweep.clear()
            self.curves[waveform].clear()
            self._set_label(waveform, "")

    @Slot(list)
    def add_chunks(self, chunks: list[WaveformChunk]) -> None:
        """Keep new samples; the next frame draws them (never a redraw per chunk)."""
        for chunk in chunks:
            self.sweeps[chunk.waveform].add(chunk.start, np.asarray(chunk.values, dtype=np.float64))

    @Slot()
    def redraw(self) -> None:
        """One frame: every strip laid out for the head's position now."""
        head_t, window_s = self._clock() - self._delay_s, self.window_s()
        for waveform, sweep in self.sweeps.items():
            x, y = sweep.frame(head_t, window_s, ERASE_S)
            self.curves[waveform].set_data(x, y)
            if self.plots[waveform].vb.viewRange()[0] != [0.0, window_s]:
                self.plots[waveform].setXRange(0.0, window_s, padding=0)
            silent = sweep.newest is None or head_t - sweep.newest > NO_SIGNAL_S
            self._set_label(waveform, "no signal" if silent else "")

    def _set_label(self, waveform: Waveform, notice: str) -> None:
        text = f"{waveform.label}&nbsp;&nbsp;<span style='color:{palette.TEXT_DIM}'>"
        text += f"{notice or f'{SWEEP_MM_S:.0f} mm/s'}</span>"
        if text != self.labels[waveform].text:
            self.labels[waveform].setText(text, color=COLOURS[waveform])

    def label(self, waveform: Waveform) -> str:
        return self.labels[waveform].text
