"""Bed tiles' ECG sweeps as drawn: by timestamp at 25 mm/s, erase bar, gaps, notes, one timer,
and the grid's layouts for 8, 16 and 32 beds."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QRectF, QTimer
from PySide6.QtGui import QColor

from stores.model import Alarm, Bed, Patient, Priority, VitalSample, Waveform, WaveformChunk
from tests.widgets.ward_grid import deliver_repaints
from widgets import palette
from widgets.bed_grid import CHUNKS_SPREAD_FRAMES, BedGrid

T0 = 1_750_000_000.0
TRACE = QColor(palette.VITAL_COLOURS["heart_rate"]).rgb()
PX_PER_S = 25 * 96 / 25.4  # 25 mm/s at the 96 dpi used where the screen has no size
RATE = Waveform.ECG_II.rate_hz


def beds(count: int) -> list[Bed]:
    return [Bed(f"b{n:02d}", "north", "north-1", f"Bed {n}", n) for n in range(1, count + 1)]


def patient(bed_id: str, name: str = "Jane") -> Patient:
    return Patient(f"p-{name}", "north", "north-1", "M1", name, "Doe", date(1960, 1, 1), bed_id=bed_id)


def ecg(bed_id: str, start: float, seconds: float, mv=0.5) -> WaveformChunk:
    values = np.broadcast_to(np.asarray(mv, dtype=float), (round(seconds * RATE),))
    return WaveformChunk(bed_id, Waveform.ECG_II, start, RATE, tuple(values.tolist()))


@pytest.fixture
def now():
    return [T0]


@pytest.fixture
def grid(qtbot, now):
    grid = BedGrid(clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(beds(16), {"b01": patient("b01")})
    grid.show_vitals({"b01": VitalSample("b01", T0, heart_rate=70.0, spo2=97.0)})
    return grid


@pytest.fixture
def tile(qtbot, grid):
    grid.resize(1100, 650)  # the beds panel of a 1920x1080 window: tiles of about 270x160
    grid.show()
    qtbot.waitExposed(grid)
    grid.frame_timer.stop()  # the tests drive the frames
    tile = grid.tile("b01")
    tile.advance_sweep(T0)  # lays the strip out
    return tile


def trace_columns(tile) -> np.ndarray:
    """For each column of the strip, whether the trace colour is in it."""
    image = tile.grab().toImage()
    strip = tile.ecg.strip
    top, bottom = int(strip.top()), int(strip.bottom())
    left = int(strip.left())
    return np.array([any(image.pixel(x, y) == TRACE for y in range(top, bottom))
                     for x in range(left, left + int(strip.width()))])


def frame(grid, tile, at: float, now) -> None:
    now[0] = at
    grid.refresh_staleness()
    grid.frame_timer.stop()
    grid.advance_sweeps()


def test_the_trace_is_written_up_to_the_head_with_a_blank_bar_ahead(grid, tile, now):
    at = T0 + 1.0
    period = tile.ecg.sweep.period
    grid.add_waveforms({"b01": [ecg("b01", at - 2 * period - 1, 2 * period + 1)]})
    frame(grid, tile, at, now)
    columns = trace_columns(tile)
    head = int(tile.ecg.sweep.head_x(at))
    bar_from, bar_to = tile.ecg.sweep.erase_span(at)
    bar = [x % len(columns) for x in range(int(bar_from) + 2, int(bar_to) - 1)]
    assert not columns[bar].any()  # the erase bar, just ahead of the head
    assert columns[[(head - k) % len(columns) for k in range(2, 30)]].all()  # written behind it
    assert columns.sum() >= len(columns) - (bar_to - bar_from) - 4  # and everywhere else


def test_the_head_moves_with_the_clock_and_wraps(grid, tile, now):
    sweep = tile.ecg.sweep
    grid.add_waveforms({"b01": [ecg("b01", T0 - 30, 40)]})
    frame(grid, tile, T0, now)
    before = sweep.head_x(T0)
    frame(grid, tile, T0 + 0.5, now)
    assert sweep.head_x(T0 + 0.5) == pytest.approx((before + 0.5 * PX_PER_S) % sweep.width)
    blank = np.flatnonzero(~trace_columns(tile))
    assert blank.min() <= sweep.head_x(T0 + 0.5) + 3 <= blank.max()  # the bar moved with it
    assert sweep.head_x(T0 + sweep.period) == pytest.approx(before, abs=1e-3)


def test_a_sample_is_drawn_where_its_time_puts_it_at_25_mm_per_second(grid, tile, now):
    at = T0 + 1.0
    start = at - 2.0
    values = np.zeros(round(1.5 * RATE))
    values[100] = 1.5  # one tall spike at start + 0.4 s
    grid.add_waveforms({"b01": [ecg("b01", start, 1.5, values)]})
    frame(grid, tile, at, now)
    image = tile.grab().toImage()
    strip = tile.ecg.strip
    top = int(strip.top())
    highest = min((y, x) for x in range(int(strip.left()), int(strip.right()))
                  for y in range(top, int(strip.bottom())) if image.pixel(x, y) == TRACE)
    expected = strip.left() + ((start + 100 / RATE) % tile.ecg.sweep.period) * PX_PER_S
    assert highest[1] == pytest.approx(expected, abs=1.5)


def test_nan_and_a_missing_chunk_are_gaps(grid, tile, now):
    at = T0 + 1.0
    head = at - tile.ecg.sweep.delay_s
    values = np.full(round(1.0 * RATE), 0.5)
    values[100:150] = np.nan  # 0.2 s of leads off
    grid.add_waveforms({"b01": [ecg("b01", head - 2.0, 1.0, values), ecg("b01", head - 0.5, 0.5)]})
    frame(grid, tile, at, now)
    columns = trace_columns(tile)
    period = tile.ecg.sweep.period

    def columns_of(first: float, last: float) -> set[int]:
        """The strip's columns of the times first..last, leaving out 2 px at each end."""
        times = np.arange(first, last, 0.5 / PX_PER_S)
        return {int((t % period) * PX_PER_S) % len(columns) for t in times[5:-5]}

    nan_cols = columns_of(head - 2.0 + 0.4, head - 2.0 + 0.6)
    missing_cols = columns_of(head - 1.0, head - 0.5)
    assert len(nan_cols) > 10 and not any(columns[x] for x in nan_cols)
    assert len(missing_cols) > 30 and not any(columns[x] for x in missing_cols)
    assert all(columns[x] for x in columns_of(head - 2.0, head - 1.6))


def test_the_tile_drawn_frame_by_frame_looks_as_drawn_whole(grid, tile, now):
    rng = np.random.default_rng(7)
    chunks = [ecg("b01", T0 - 2.0 + k / 4, 0.25, rng.normal(0, 0.6, 62)) for k in range(14)]
    # each chunk a quarter second after it ends, every third a second later: behind the head
    arrivals = [c.end + 0.25 + (1.0 if k % 3 == 2 else 0.0) for k, c in enumerate(chunks)]
    for step in range(120):  # 2 s of frames
        at = T0 + step / 60
        due = [c for c, when in zip(chunks, arrivals) if at - 1 / 60 < when <= at]
        if due:
            grid.add_waveforms({"b01": due})
        frame(grid, tile, at, now)
    framed = tile.grab().toImage()
    tile.ecg.layer.forget()  # the next paint draws the trace whole
    assert tile.grab().toImage() == framed
    assert (trace_columns(tile)).sum() > 50  # and there is a trace to compare


def test_the_strip_says_when_no_ecg_arrives_while_numerics_are_live(grid, tile, now):
    assert tile.view().ecg == "ECG \u2014" and not tile.view().sweeping
    grid.add_waveforms({"b01": [ecg("b01", T0 - 1.0, 0.5, np.nan)]})
    assert tile.view().ecg == "ECG \u2014 leads off"
    grid.add_waveforms({"b01": [ecg("b01", T0 - 0.5, 0.5)]})
    assert tile.view().ecg == "" and tile.view().sweeping
    now[0] = T0 + 4.0
    grid.show_vitals({"b01": VitalSample("b01", T0 + 4.0, heart_rate=70.0)})
    grid.advance_sweeps()  # the frame gives the tile its sample
    assert tile.view().ecg == "ECG \u2014"  # the chunks stopped, the numerics did not
    assert "ECG \u2014" in tile.accessibleDescription()


def test_empty_beds_and_previous_occupants_lend_no_ecg(grid, tile, now):
    grid.add_waveforms({"b02": [ecg("b02", T0 - 1.0, 1.0)], "b01": [ecg("b01", T0 - 1.0, 1.0)]})
    assert grid.tile("b02").ecg.sweep.newest is None
    now[0] = T0 + 5
    grid.set_beds(beds(16), {"b01": patient("b01", "Kofi")})
    assert tile.ecg.sweep.newest is None
    grid.add_waveforms({"b01": [ecg("b01", T0 + 3.0, 0.5)]})  # from before Kofi came
    assert tile.ecg.sweep.newest is None


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.rects = []

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_one_shared_timer_repaints_only_the_swept_columns(qtbot, grid, tile, now):
    assert [t for t in grid.findChildren(QTimer) if t is grid.frame_timer] == [grid.frame_timer]
    assert all(not t.findChildren(QTimer) for t in grid.tiles())  # no timer per tile
    grid.add_waveforms({"b01": [ecg("b01", T0 - 10, 10)]})
    assert grid.frame_timer.isActive()
    grid.frame_timer.stop()  # the test drives the frames
    grid.advance_sweeps()
    deliver_repaints()
    paints = Paints()
    tile.installEventFilter(paints)
    grid.traces.installEventFilter(paints)  # the tiles' strips are painted over them, in one
    grid.add_waveforms({"b01": [ecg("b01", T0, 0.25)]})  # a chunk alone repaints nothing
    grid.frame_timer.stop()
    deliver_repaints()  # what was asked for is painted now: nothing
    assert paints.rects == []
    now[0] += 1 / 30
    grid.advance_sweeps()
    deliver_repaints()
    assert paints.rects
    strip = tile.ecg.strip.toRect().translated(tile.pos())
    assert all(rect.width() <= 20 and strip.contains(rect) for rect in paints.rects)  # a few columns
    assert grid.frame_timer.interval() == round(1000 / 60)


def test_a_frame_with_nothing_new_asks_for_no_repaint(grid, tile, now):
    grid.add_waveforms({"b01": [ecg("b01", T0 - 10, 10)]})
    frame(grid, tile, T0 + 0.5, now)
    asked = []
    grid.traces.update = lambda *area: asked.append(area)  # x, y, width, height over the tiles
    frame(grid, tile, T0 + 0.5, now)  # the clock has not moved: no column changed
    assert asked == []
    frame(grid, tile, T0 + 0.5 + 1 / 60, now)  # it has: the columns the head passed
    assert asked and all(area[2] <= 20 for area in asked)  # and the erase bar


def test_each_frame_tells_with_its_clock_so_others_paint_in_step(qtbot, grid, tile, now):
    now[0] = T0 + 0.5
    with qtbot.waitSignal(grid.frame_ticked) as ticked:
        grid.advance_sweeps()
    assert ticked.args == [T0 + 0.5]


def test_new_ecg_is_made_ready_a_share_of_the_grid_per_frame(qtbot, now):
    grid = BedGrid(clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(beds(16), {bed.id: patient(bed.id, str(n)) for n, bed in enumerate(beds(16))})
    grid.show_vitals({bed.id: VitalSample(bed.id, T0, heart_rate=70.0) for bed in beds(16)})
    grid.resize(1100, 650)
    grid.show()
    qtbot.waitExposed(grid)
    grid.add_waveforms({bed.id: [ecg(bed.id, T0 - 1.0, 0.5)] for bed in beds(16)})
    grid.frame_timer.stop()  # the test drives the frames
    for _ in range(3):  # the first frames draw every strip whole, ready or not, and the grid's
        grid.advance_sweeps()  # trace overlay takes the shape of the tiles laid out
    grid.add_waveforms({bed.id: [ecg(bed.id, T0 - 0.5, 0.25)] for bed in beds(16)})  # ahead
    grid.frame_timer.stop()
    waiting = [sum(tile.ecg.layer.behind for tile in grid.tiles())]
    for _ in range(CHUNKS_SPREAD_FRAMES):
        now[0] += 1 / 60
        grid.advance_sweeps()
        waiting.append(sum(tile.ecg.layer.behind for tile in grid.tiles()))
    share = 16 // CHUNKS_SPREAD_FRAMES
    assert waiting == [16 - k * share for k in range(CHUNKS_SPREAD_FRAMES + 1)]


@pytest.mark.parametrize(("count", "mode"), [(8, "wide"), (16, "stacked"), (32, "compact")])
def test_every_tile_has_the_same_layout_in_the_beds_panel(qtbot, now, count, mode):
    grid = BedGrid(clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(beds(count), {bed.id: patient(bed.id, str(n)) for n, bed in enumerate(beds(count))})
    grid.resize(1100, 650)  # the beds panel of a 1920x1080 window
    grid.show()
    qtbot.waitExposed(grid)
    parts = [tile.parts() for tile in grid.tiles()]
    assert {p.mode for p in parts} == {mode}
    assert {p.show_others for p in parts} == {mode != "compact"}  # RR, NIBP, Temp drop at 32
    assert min(tile.height() for tile in grid.tiles()) >= 70
    assert min(p.strip.height() for p in parts) >= 40


def laid_out(tile) -> bool:
    """Whether the tile's strip is where its present size and alarm row put it."""
    part = tile.parts().strip
    return tile.ecg.strip == QRectF(round(part.left()), round(part.top()),
                                    math.floor(part.width()), math.floor(part.height()))


def test_the_strip_follows_a_resize_and_the_alarm_row_without_a_frame(qtbot, grid, tile, now):
    grid.resize(1400, 800)  # no frame runs from here on: the tests drive them
    qtbot.waitUntil(lambda: tile.width() > 300)
    assert laid_out(tile)
    grid.show_alarms([Alarm("a1", "north", "north-1", "b01", "p-Jane", "Jane Doe", Priority.HIGH,
                            "SpO2 low", T0)])
    assert tile.view().alarm is Priority.HIGH
    assert laid_out(tile)
