"""New numerics reach the tiles a share per frame (the ward's arrive together each second), while
alarms, the stale marker and the selection repaint a tile at once; and the numbers drawn alone
look exactly like a tile drawn whole."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QRegion

from stores.model import Alarm, Priority, Vital, VitalSample
from tests.widgets.ward_grid import BEDS, T0, shown_ward_grid
from widgets import palette
from widgets.bed_grid import NUMBERS_SPREAD_FRAMES
from widgets.bed_tile import paint as bed_tile_paint
from widgets.bed_tile.still import TileStill
from widgets.bed_tile.view import Numeric


def vitals(time: float, heart_rate: float) -> dict[str, VitalSample]:
    return {bed.id: VitalSample(bed.id, time, heart_rate=heart_rate, spo2=97.0) for bed in BEDS}


class Paints(QObject):
    """The region each watched tile was repainted in, since the last `clear`; with `traces`
    (the grid's trace overlay), what it painted over each tile counts as the tile's."""

    def __init__(self, tiles, traces=None) -> None:
        super().__init__()
        self.regions: dict[object, QRegion] = {}
        self._tiles, self._traces = list(tiles), traces
        for watched in [*self._tiles, traces]:
            if watched is not None:
                watched.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.Type.Paint:
            return False
        painted = {watched: event.region()}
        if watched is self._traces:
            painted = {tile: event.region().translated(-tile.pos()) for tile in self._tiles}
        for tile, region in painted.items():
            self.regions[tile] = self.regions.get(tile, QRegion()).united(region)
        return False

    def reached(self, tile, rect: QRect) -> bool:
        return self.regions.get(tile, QRegion()).intersects(rect)


@pytest.fixture
def now():
    return [T0]


@pytest.fixture
def grid(qtbot, now):
    """32 occupied beds, shown at the size of the beds panel, with frames the test drives."""
    grid = shown_ward_grid(qtbot, now, vitals(T0, 70.0))
    grid.frame_timer.start(60_000)  # running, as once waveforms flow, but never due in a test
    qtbot.wait(20)
    return grid


def numbers_area(tile) -> QRect:
    return bed_tile_paint.numbers_area(tile.parts())


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_new_numbers_are_taken_and_drawn_a_share_per_frame_all_within_the_spread(qtbot, grid, now):
    tiles = grid.tiles()
    paints = Paints(tiles)
    now[0] = T0 + 1
    grid.show_vitals(vitals(T0 + 1, 88.0))
    qtbot.wait(30)
    assert not any(tile.view().numerics[0].value == "88" for tile in tiles)  # the frames give them
    assert not any(paints.reached(tile, numbers_area(tile)) for tile in tiles)
    share = math.ceil(len(tiles) / NUMBERS_SPREAD_FRAMES)
    for frame in range(1, NUMBERS_SPREAD_FRAMES + 1):
        grid.advance_sweeps()
        qtbot.wait(30)
        read = sum(tile.view().numerics[0].value == "88" for tile in tiles)
        drawn = sum(paints.reached(tile, numbers_area(tile)) for tile in tiles)
        assert read == drawn == min(frame * share, len(tiles))  # drawn in the frame they are read
    # only their numbers: no tile was repainted whole for a new sample
    assert all(paints.regions[tile].boundingRect() != tile.rect() for tile in tiles)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_hidden_grid_gives_its_tiles_their_samples_at_the_next_frame(qtbot, grid, now):
    grid.show_vitals(vitals(T0 + 1, 88.0))
    grid.hide()
    grid.advance_sweeps()
    assert all(tile.view().numerics[0].value == "88" for tile in grid.tiles())


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_an_alarm_repaints_its_tile_at_once_even_with_numbers_waiting(qtbot, grid, now):
    tile = grid.tile("b07")
    grid.show_vitals(vitals(T0 + 1, 88.0))  # numbers wait for a frame
    paints = Paints([tile])
    grid.show_alarms([Alarm("a1", "north", "north-1", "b07", "p-b07", "Jane b07", Priority.HIGH,
                            "SpO\u2082 low", T0)])
    qtbot.waitUntil(lambda: paints.reached(tile, QRect(0, 0, 4, 4)), timeout=500)  # no frame ran
    assert paints.regions[tile].boundingRect() == tile.rect()
    assert paints.reached(tile, numbers_area(tile))  # and its numbers are the new ones with it
    assert tile.view().numerics[0].value == "88"


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_stale_marker_is_painted_at_once(qtbot, grid, now):
    tile = grid.tile("b03")
    paints = Paints([tile], grid.traces)  # the strip lies under the grid's trace overlay
    now[0] = T0 + 12.0
    grid.refresh_staleness()
    assert tile.view().stale == "NO DATA 12 s"
    qtbot.waitUntil(lambda: paints.reached(tile, tile.ecg.strip.toRect()), timeout=500)
    shown = grid.grab(tile.geometry()).toImage()  # the tile as the grid shows it, overlay and all
    strip = tile.ecg.strip.toRect()
    assert shown.pixelColor(strip.topLeft() + QPoint(1, 1)) == QColor(palette.STALE)  # beside the words


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_without_frames_new_numbers_are_painted_at_once(qtbot, grid, now):
    grid.frame_timer.stop()  # no waveforms flow: nothing would draw them later
    tile = grid.tile("b05")
    paints = Paints([tile])
    grid.show_vitals(vitals(T0 + 1, 91.0))
    qtbot.waitUntil(lambda: paints.reached(tile, numbers_area(tile)), timeout=500)


@pytest.mark.parametrize("size", [QSize(272, 63), QSize(270, 150), QSize(530, 150)])
def test_numbers_drawn_alone_match_the_tile_drawn_whole(grid, size):
    """Compact, stacked and wide tiles: old numbers leave no trace under the new ones."""
    tile = grid.tile("b02")
    rect = QRect(0, 0, size.width(), size.height())
    parts = bed_tile_paint.layout_tile(bed_tile_paint.inner_rect(rect), False)
    grid.show_recent({"b02": [VitalSample("b02", T0 - s, heart_rate=60.0 + s % 9, spo2=90.0)
                              for s in range(100)]})
    before = tile.view()
    tile.add_sample(VitalSample("b02", T0 + 1, heart_rate=143.0, spo2=88.0, temperature=38.2))
    after = tile.view()
    assert before.still_part == after.still_part and before.numerics != after.numerics
    alone, whole = TileStill(), TileStill()
    alone.paint_all(rect, before, False, 1.0)
    alone.paint_numbers(parts, after)
    whole.paint_all(rect, after, False, 1.0)
    assert alone.pixmap.toImage() == whole.pixmap.toImage()


@given(width=st.floats(40, 400), height=st.floats(10, 60),
       value=st.sampled_from(["128/79", "88/52 (64)", "100", "97", "—", "12.5"]),
       label=st.sampled_from(["NIBP", "SpO₂", "RR", "Temp"]),
       unit=st.sampled_from(["mmHg", "%", "/min", "°C"]))
def test_a_numeric_rows_value_is_never_cut_nor_drawn_over_its_label(qapp, width, height, value,
                                                                   label, unit):
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        row = bed_tile_paint.numeric_row_layout(painter, QRectF(0, 0, width, height),
                                                Numeric(label, value, unit, Vital.SPO2))
    finally:
        painter.end()
    value_width = QFontMetricsF(row.value).horizontalAdvance(value)
    smallest = QFont(row.value)
    smallest.setPixelSize(7)
    if QFontMetricsF(smallest).horizontalAdvance(value) > width:
        return  # too narrow for the value in any font: nothing to share
    used = value_width + row.label_width * row.label + row.unit_width * row.unit
    assert used <= width + 0.5
    assert row.label <= row.unit  # the label gives way first, then the unit
