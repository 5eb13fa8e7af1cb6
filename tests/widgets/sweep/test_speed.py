"""25 mm/s on screen, in the tiles and in the selected bed's strips alike, at two screen scales:
how far the head (the erase bar's left edge) moves across the drawn pixels in a given time."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from stores.model import Bed, Patient, VitalSample, Waveform, WaveformChunk
from widgets import palette
from widgets.bed_grid import BedGrid
from widgets.waveform_view import WaveformView

T0 = 1_750_000_000.0
DPIS = (96.0, 192.0)  # a desk monitor, a dense laptop panel
TRACE = QColor(palette.WAVEFORM_COLOURS[Waveform.ECG_II]).rgb()


def flat_ecg(bed_id: str, start: float, seconds: float) -> WaveformChunk:
    rate = Waveform.ECG_II.rate_hz
    return WaveformChunk(bed_id, Waveform.ECG_II, start, rate, (0.5,) * round(seconds * rate))


def bar_column(image: QImage, strip: QRect) -> int:
    """The first column of `strip` (from its left) without the trace: a flat trace fills every
    column but the erase bar's, which starts at the head."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1)
    mask = pixels[strip.top():strip.bottom() + 1, strip.left():strip.right() + 1] == TRACE
    row = int(mask.sum(axis=1).argmax())  # the flat line; labels are elsewhere
    line = mask[max(row - 1, 0):row + 2].any(axis=0)
    return int(np.flatnonzero(~line)[0])


def times_in_one_sweep(sweep) -> tuple[float, float]:
    """Two clock times, the head a quarter and three quarters across the strip: the bar is
    wholly inside it, and the head does not wrap between them."""
    head = math.floor((T0 + 60) / sweep.period) * sweep.period
    return head + 0.25 * sweep.period + sweep.delay_s, head + 0.75 * sweep.period + sweep.delay_s


def assert_25_mm_per_s(columns: list[int], times: tuple[float, float], px_per_mm: float) -> None:
    moved_px = columns[1] - columns[0]
    assert moved_px > 40  # far enough for a pixel either way to matter little
    assert moved_px / (times[1] - times[0]) == pytest.approx(25.0 * px_per_mm, rel=0.03)


@pytest.mark.parametrize("dpi", DPIS)
def test_the_tiles_sweep_25_mm_per_second(qtbot, dpi):
    now = [T0]
    grid = BedGrid(clock=lambda: now[0], pixels_per_mm=dpi / 25.4)
    qtbot.addWidget(grid)
    bed = Bed("b1", "north", "north-1", "Bed 1", 1)
    grid.set_beds([bed], {"b1": Patient("p1", "north", "north-1", "M1", "Jane", "Doe",
                                        date(1960, 1, 1), bed_id="b1")})
    grid.resize(900, 400)
    grid.show()
    qtbot.waitExposed(grid)
    grid.frame_timer.stop()  # the test drives the frames
    tile = grid.tile("b1")
    tile.advance_sweep(T0)  # lays the strip out
    times = times_in_one_sweep(tile.ecg.sweep)
    columns = []
    for at in times:
        now[0] = at
        grid.show_vitals({"b1": VitalSample("b1", at, heart_rate=70.0, spo2=97.0)})
        grid.add_waveforms({"b1": [flat_ecg("b1", at - 30.0, 30.0)]})
        grid.advance_sweeps()
        grid.frame_timer.stop()
        columns.append(bar_column(tile.grab().toImage(), tile.ecg.strip.toRect()))
    assert_25_mm_per_s(columns, times, dpi / 25.4)


@pytest.mark.parametrize("dpi", DPIS)
def test_the_selected_beds_strips_sweep_25_mm_per_second(qtbot, dpi):
    now = [T0]
    view = WaveformView(clock=lambda: now[0], pixels_per_mm=dpi / 25.4)
    qtbot.addWidget(view)
    view.resize(900, 240)
    view.show()
    qtbot.waitExposed(view)
    view.start()
    strip = view.strips[Waveform.ECG_II].strip.toRect()
    times = times_in_one_sweep(view.strips[Waveform.ECG_II].sweep)
    columns = []
    for at in times:
        now[0] = at
        view.add_chunks([flat_ecg("b1", at - 30.0, 30.0)])
        view.redraw()
        columns.append(bar_column(view.grab().toImage(), strip))
    assert_25_mm_per_s(columns, times, dpi / 25.4)
