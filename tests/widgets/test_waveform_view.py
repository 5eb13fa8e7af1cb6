"""The selected bed's waveform strips: the sweep model drawn as the tiles draw it, level heads,
gaps, frames that repaint only what changed, the signal's notices."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from stores.model import Bed, Waveform, WaveformChunk
from widgets import palette
from widgets.bed_tile.tile import BedTile
from widgets.waveform_view import FRAME_MS, WaveformView

T0 = 1_750_000_000.0


@pytest.fixture
def now():
    return [T0 + 10.0]


@pytest.fixture
def view(qtbot, now):
    view = WaveformView(clock=lambda: now[0])
    qtbot.addWidget(view)
    view.resize(760, 200)
    view.show()
    qtbot.waitExposed(view)
    view.start()
    return view


@pytest.fixture
def repainted(view) -> list[QRect]:
    """The rectangles the view asks Qt to repaint from now on (None: all of it)."""
    asked: list[QRect] = []
    update = view.update

    def recorded(*area) -> None:
        asked.append(QRect(*area) if area else None)
        update(*area)

    view.update = recorded
    return asked


def chunk(waveform: Waveform, start: float, seconds: float, value=0.5) -> WaveformChunk:
    count = round(seconds * waveform.rate_hz)
    return WaveformChunk("north-1-07", waveform, start, waveform.rate_hz, (value,) * count)


def trace_columns(view, waveform: Waveform) -> np.ndarray:
    """For each column of the strip, whether the view shows the trace's colour in it (the
    label, of the same colour, left out)."""
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1).copy()
    label = view._label_rects[waveform]
    pixels[label.top():label.bottom() + 1, label.left():label.right() + 1] = 0
    strip = view.strips[waveform].strip.toRect()
    area = pixels[strip.top():strip.bottom() + 1, strip.left():strip.right() + 1]
    return (area == QColor(palette.WAVEFORM_COLOURS[waveform]).rgb()).any(axis=0)


def columns_of(view, waveform: Waveform, start: float, end: float) -> set[int]:
    """The strip's columns where the samples taken from `start` to `end` are drawn."""
    sweep = view.strips[waveform].sweep
    times = np.arange(start, end, 1 / sweep.rate_hz)
    return set(np.floor((times % sweep.period) * sweep.px_per_s).astype(int).tolist())


def lit(view, waveform: Waveform, start: float, end: float) -> bool:
    return bool(trace_columns(view, waveform)[sorted(columns_of(view, waveform, start, end))].all())


def dark(view, waveform: Waveform, start: float, end: float) -> bool:
    return not trace_columns(view, waveform)[sorted(columns_of(view, waveform, start, end))].any()


def test_the_strips_draw_what_came_and_leave_gaps_blank(view, now):
    values = [0.5] * 500  # T0 + 4 .. 6 s
    values[100:150] = [float("nan")] * 50  # leads off from 4.4 to 4.6 s
    view.add_chunks([WaveformChunk("north-1-07", Waveform.ECG_II, T0 + 4.0, 250.0, tuple(values)),
                     chunk(Waveform.ECG_II, T0 + 7.0, 2.0),  # 6..7 s never came
                     chunk(Waveform.PLETH, T0 + 5.0, 4.0)])
    view.redraw()
    assert lit(view, Waveform.ECG_II, T0 + 4.0, T0 + 4.38)
    assert dark(view, Waveform.ECG_II, T0 + 4.42, T0 + 4.58)
    assert lit(view, Waveform.ECG_II, T0 + 4.62, T0 + 5.98)
    assert dark(view, Waveform.ECG_II, T0 + 6.02, T0 + 6.98)
    assert lit(view, Waveform.ECG_II, T0 + 7.0, T0 + 8.98)
    assert dark(view, Waveform.PLETH, T0 + 3.0, T0 + 4.95)
    assert lit(view, Waveform.PLETH, T0 + 5.0, T0 + 8.98)


def test_the_ecg_is_drawn_at_10_mm_per_mv_where_the_strip_is_tall_enough(view):
    view.add_chunks([chunk(Waveform.ECG_II, T0 + 4.0, 2.0, value=0.0),
                     chunk(Waveform.ECG_II, T0 + 6.0, 2.0, value=1.0)])
    view.redraw()
    rows = [trace_row(view, Waveform.ECG_II, T0 + start, T0 + start + 1.5) for start in (4.2, 6.2)]
    assert rows[0] - rows[1] == pytest.approx(10.0 * view.pixels_per_mm(), abs=1.0)


def trace_row(view, waveform: Waveform, start: float, end: float) -> int:
    """The row of the strip where a flat trace of the samples from `start` to `end` is drawn."""
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1)
    strip = view.strips[waveform].strip.toRect()
    columns = [strip.left() + c for c in sorted(columns_of(view, waveform, start, end))]
    area = pixels[strip.top():strip.bottom() + 1, columns]
    return int((area == QColor(palette.WAVEFORM_COLOURS[waveform]).rgb()).sum(axis=1).argmax())


def test_chunks_are_drawn_by_the_next_frame_not_one_by_one(view, now, repainted):
    view.redraw()
    repainted.clear()
    start = now[0] - 2.0
    view.add_chunks([chunk(Waveform.ECG_II, start, 1.0)])  # behind the head: late
    assert repainted == []
    now[0] += FRAME_MS / 1000
    view.redraw()
    columns = columns_of(view, Waveform.ECG_II, start, start + 1.0)
    left = view.strips[Waveform.ECG_II].strip.left()
    assert all(any(rect.left() <= left + column <= rect.right() for rect in repainted)
               for column in columns)
    assert lit(view, Waveform.ECG_II, start + 0.02, start + 0.98)


def test_a_frame_repaints_only_the_columns_it_changed(view, now, repainted):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 12.0), chunk(Waveform.PLETH, T0, 12.0)])
    view.redraw()
    repainted.clear()
    now[0] += FRAME_MS / 1000
    view.redraw()
    for strip in view.strips.values():
        rects = [rect for rect in repainted if rect.intersects(strip.strip.toRect())]
        width = sum(rect.width() for rect in rects)
        # the head's 3 px, the erase bar's 11 px, a margin either side: far from the strip
        assert 0 < width <= 25 < strip.strip.width() / 10
        head = strip.strip.left() + strip.sweep.head_x(now[0])
        assert any(rect.left() <= head <= rect.right() + 1 for rect in rects)


def test_a_chunk_that_comes_after_the_head_passed_its_time_is_drawn_where_it_belongs(view, now):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 8.0)])
    view.redraw()
    head = now[0] - view.strips[Waveform.ECG_II].sweep.delay_s
    assert dark(view, Waveform.ECG_II, head - 0.98, head - 0.52)
    view.add_chunks([chunk(Waveform.ECG_II, head - 1.0, 0.5, value=0.9)])  # late, behind the head
    now[0] += FRAME_MS / 1000
    view.redraw()
    assert lit(view, Waveform.ECG_II, head - 0.98, head - 0.52)


def test_ecg_and_pleth_heads_stay_level(view, now):
    view.redraw()
    ecg, pleth = (view.strips[w].sweep for w in Waveform)
    assert ecg.width == pleth.width > 0
    for at in (now[0], now[0] + 3.7, now[0] + 11.1):
        assert ecg.head_x(at) == pytest.approx(pleth.head_x(at))


def test_the_strips_and_the_tiles_sweep_with_the_same_settings(qtbot, view):
    tile = BedTile(Bed("b1", "north", "north-1", "Bed 1", 1), 5.0, lambda: T0)
    qtbot.addWidget(tile)
    for strip in view.strips.values():
        assert (strip.sweep.delay_s, strip.sweep.erase_s) == (tile.ecg.sweep.delay_s,
                                                               tile.ecg.sweep.erase_s)


def test_a_strip_says_no_signal_or_leads_off_instead_of_its_speed(view, now):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 9.5)])
    view.redraw()
    assert view.label(Waveform.ECG_II) == "ECG II  25 mm/s"
    assert view.label(Waveform.PLETH) == "Pleth  no signal"
    view.add_chunks([chunk(Waveform.PLETH, T0 + 9.0, 0.5, float("nan"))])
    view.redraw()
    assert view.label(Waveform.PLETH) == "Pleth  sensor off"
    now[0] = T0 + 14.0
    view.redraw()
    assert view.label(Waveform.ECG_II) == "ECG II  no signal"


def test_stop_blanks_the_strips_and_the_sweep(view):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 9.0)])
    view.redraw()
    assert trace_columns(view, Waveform.ECG_II).any()
    view.stop()
    assert not trace_columns(view, Waveform.ECG_II).any()
    assert not view.sweeping()
    assert view.label(Waveform.ECG_II) == "ECG II"


def test_the_bed_grids_frames_drive_the_strips_every_other_one(view, now):
    redraws = []
    view.redraw = lambda: redraws.append(now[0])
    view._on_timer()  # no grid's frames yet: the strips' own timer draws
    assert len(redraws) == 1
    for _ in range(6):
        now[0] += 1 / 60
        view.on_grid_frame(now[0])
        view._on_timer()  # due meanwhile: it leaves the frames to the grid's
    assert len(redraws) == 1 + 3  # 30 Hz, in step with the grid's 60


def test_stopped_strips_ignore_the_grids_frames(view, now, repainted):
    view.stop()
    repainted.clear()
    for _ in range(4):
        view.on_grid_frame(now[0])
    assert repainted == []
