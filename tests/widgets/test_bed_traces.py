"""The bed grid's ECG strips painted by one overlay a frame: what the window shows is what each
tile draws alone (traces, alarm tint, stale marker, after the strip moved), a frame paints the
overlay and no tile, and clicks on a strip still reach its tile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from stores.model import Alarm, Bed, Priority, VitalSample, Waveform, WaveformChunk
from tests.widgets.ward_grid import BEDS, T0, deliver_repaints, patient, shown_ward_grid
from widgets.bed_grid import BedGrid

RATE = Waveform.ECG_II.rate_hz


def ecg(bed: Bed, start: float, seconds: float) -> WaveformChunk:
    """A bed's own ECG: a sine of the bed's number, so no two strips look alike."""
    times = start + np.arange(round(seconds * RATE)) / RATE
    values = 0.8 * np.sin(2 * np.pi * (0.5 + bed.position / 10) * times)
    return WaveformChunk(bed.id, Waveform.ECG_II, start, RATE, tuple(values.tolist()))


class Paints(QObject):
    def __init__(self, widgets) -> None:
        super().__init__()
        self.count: dict[object, int] = {}
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count[watched] = self.count.get(watched, 0) + 1
        return False


@pytest.fixture
def now():
    return [T0]


@pytest.fixture
def grid(qtbot, now):
    """32 occupied beds sweeping at the size of the beds panel; the test drives the frames."""
    grid = shown_ward_grid(qtbot, now, {bed.id: VitalSample(bed.id, T0, heart_rate=70.0, spo2=97.0)
                                        for bed in BEDS})
    grid.add_waveforms({bed.id: [ecg(bed, T0 - 8, 9)] for bed in BEDS})
    grid.frame_timer.stop()
    return grid


def frames(grid, now, seconds: float) -> None:
    for _ in range(round(seconds * 60)):
        now[0] += 1 / 60
        grid.frame_timer.stop()
        grid.advance_sweeps()
        deliver_repaints()


def on_screen(grid) -> QImage:
    """What the window's backing store holds: what the screen shows (not drawn again, as
    `grab` would)."""
    return grid.screen().grabWindow(grid.winId()).toImage().convertToFormat(QImage.Format.Format_RGB32)


def assert_each_tile_shown_as_drawn_alone(grid) -> None:
    shown = on_screen(grid)
    for tile in grid.tiles():
        alone = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        assert shown.copy(tile.geometry()) == alone, tile.bed.label


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_window_shows_every_strip_as_its_tile_draws_it(grid, now):
    frames(grid, now, 0.5)
    assert all(tile.view().sweeping for tile in grid.tiles())
    assert_each_tile_shown_as_drawn_alone(grid)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_an_alarm_tint_a_stale_marker_and_a_moved_strip_are_shown_at_once(grid, now):
    frames(grid, now, 0.5)
    # an alarm tints the tile under its trace and takes a row off its strip (32 beds: compact)
    before = grid.tile("b02").strip_rect()
    grid.show_alarms([Alarm("a1", "north", "north-1", "b02", "p-b02", "Jane b02", Priority.HIGH,
                            "SpO\u2082 low", T0)])
    assert grid.tile("b02").strip_rect() != before
    deliver_repaints()  # no frame yet
    assert_each_tile_shown_as_drawn_alone(grid)
    frames(grid, now, 0.25)
    assert_each_tile_shown_as_drawn_alone(grid)
    # bed 3 goes stale between frames: its strip says so at once
    grid.show_vitals({bed.id: VitalSample(bed.id, now[0], heart_rate=70.0) for bed in BEDS
                      if bed.id != "b03"})
    frames(grid, now, 0.3)  # the other beds' numbers are taken a share per frame
    now[0] += 6.0
    grid.refresh_staleness()
    grid.frame_timer.stop()
    deliver_repaints()
    assert grid.tile("b03").view().stale
    assert_each_tile_shown_as_drawn_alone(grid)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_strips_follow_the_tiles_when_the_grid_is_resized(qtbot, grid, now):
    frames(grid, now, 0.2)
    grid.resize(1400, 800)
    qtbot.waitUntil(lambda: grid.tile("b01").width() > 300)
    frames(grid, now, 0.2)
    assert_each_tile_shown_as_drawn_alone(grid)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_frame_paints_the_overlay_once_and_no_tile(grid, now):
    frames(grid, now, 0.2)
    paints = Paints(grid.frame_widgets())
    frames(grid, now, 0.5)
    assert paints.count.pop(grid.traces) == 30
    assert sum(paints.count.values()) == 0  # not one tile: the numbers did not change


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_click_on_a_strip_reaches_its_tile(qtbot, grid, now):
    frames(grid, now, 0.2)
    tile = grid.tile("b05")
    at = tile.mapTo(grid, tile.strip_rect().center())
    assert grid.childAt(at) is tile  # not the overlay: it lets the mouse through
    with qtbot.waitSignal(grid.patient_selected) as selected:
        QTest.mouseClick(grid.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert selected.args == ["p-b05"]


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_grid_not_yet_given_a_size_paints_its_strips_once_it_has_one(qtbot, now):
    """On a tab not shown (the Cluster tab first), the grid has no size yet: no canvas."""
    grid = BedGrid(clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(BEDS, {bed.id: patient(bed) for bed in BEDS})
    grid.resize(0, 0)
    grid.traces.follow()  # nothing to draw into yet, and nothing raised
    grid.show_vitals({bed.id: VitalSample(bed.id, T0, heart_rate=70.0) for bed in BEDS})
    grid.add_waveforms({bed.id: [ecg(bed, T0 - 8, 9)] for bed in BEDS})
    grid.frame_timer.stop()
    grid.resize(1100, 650)
    grid.show()
    qtbot.waitExposed(grid)
    frames(grid, now, 0.3)
    assert_each_tile_shown_as_drawn_alone(grid)


def test_on_a_screen_of_two_device_pixels_per_pixel_the_strips_are_where_the_tiles_draw_them():
    """A 4K screen at 200 %: each strip's place in the canvas is in device pixels."""
    script = Path(__file__).with_name("hidpi_grid.py")
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stdout + done.stderr
