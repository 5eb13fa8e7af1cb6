"""The bed overview: numerics with units, staleness, alarm colours and marks, selection."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import QEvent, QObject, Qt

from stores.model import Alarm, Bed, Patient, Priority, Sex, VitalSample
from widgets import palette
from widgets.bed_grid import BedGrid, columns_for, rows_for

T0 = 1_750_000_000.0


def beds(count: int) -> list[Bed]:
    return [Bed(f"north-1-{n:02d}", "north", "north-1", f"Bed {n}", n) for n in range(1, count + 1)]


def jane(bed_id: str = "north-1-07") -> Patient:
    return Patient(
        "p-jane", "north", "north-1", "MRN7", "Jane", "Doe", date(1958, 1, 2), Sex.FEMALE, bed_id=bed_id
    )


def sample(time: float, bed_id: str = "north-1-07", **values) -> VitalSample:
    measured = dict(heart_rate=72.0, spo2=97.0, resp_rate=16.0, temperature=36.8)
    measured.update(nibp_sys=121.0, nibp_dia=79.0, nibp_mean=93.0)
    measured.update(values)
    return VitalSample(bed_id, time, **measured)


def alarm(alarm_id: str, priority: Priority, condition: str, bed_id: str = "north-1-07", **extra) -> Alarm:
    return Alarm(alarm_id, "north", "north-1", bed_id, "p-jane", "Jane Doe", priority, condition, T0, **extra)


@pytest.fixture
def now():
    return [T0]


@pytest.fixture
def grid(qtbot, now):
    grid = BedGrid(stale_after_s=5.0, clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(beds(16), {"north-1-07": jane()})
    return grid


@pytest.fixture
def tile(grid):
    return grid.tile("north-1-07")


def numerics(tile) -> dict[str, str]:
    return {n.label: f"{n.value} {n.unit}" for n in tile.view().numerics}


@pytest.mark.parametrize(("count", "columns", "rows"), [(8, 2, 4), (16, 4, 4), (32, 4, 8)])
def test_columns_and_rows_follow_the_ward_size(qtbot, now, count, columns, rows):
    assert (columns_for(count), rows_for(count)) == (columns, rows)
    grid = BedGrid(clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(beds(count), {})
    layout = grid.layout()
    places = {layout.getItemPosition(layout.indexOf(tile))[:2] for tile in grid.tiles()}
    assert places == {(row, column) for row in range(rows) for column in range(columns)}


@pytest.mark.parametrize("size", [(1103, 387), (1100, 390), (1101, 389), (1366, 500)])
def test_every_tile_is_the_same_size_whatever_pixels_are_left_over(grid, size):
    """A pixel more in some rows could cross a tile layout's threshold: alternate rows were
    once laid out differently."""
    grid.resize(*size)
    grid.show()
    grid.layout().activate()
    assert len({tile.size().toTuple() for tile in grid.tiles()}) == 1
    assert len({tile.parts().mode for tile in grid.tiles()}) == 1


def test_sixteen_beds_fill_four_rows_of_four_in_ward_order(qtbot, now):
    grid = BedGrid(clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(list(reversed(beds(16))), {})
    layout = grid.layout()
    positions = [layout.getItemPosition(layout.indexOf(tile))[:2] for tile in grid.tiles()]
    assert [tile.bed.position for tile in grid.tiles()] == list(range(1, 17))
    assert positions[0] == (0, 0) and positions[3] == (0, 3)
    assert positions[4] == (1, 0) and positions[-1] == (3, 3)


def test_tile_shows_patient_and_values_with_units(grid, tile, now):
    grid.show_vitals({"north-1-07": sample(T0)})
    view = tile.view()
    assert (view.bed, view.patient) == ("Bed 7", "Jane Doe")
    assert view.details.endswith("y \u00b7 F")
    assert numerics(tile) == {
        "HR": "72 bpm",
        "SpO\u2082": "97 %",
        "RR": "16 /min",
        "NIBP": "121/79 (93) mmHg",
        "Temp": "36.8 \u00b0C",
    }
    assert view.stale == ""
    assert "HR 72 bpm" in tile.accessibleDescription()


def test_missing_values_are_dashes_not_zeros(grid, tile):
    grid.show_vitals({"north-1-07": sample(T0, spo2=None, nibp_sys=None, nibp_dia=None, nibp_mean=None)})
    assert numerics(tile)["SpO\u2082"] == "-- %"
    assert numerics(tile)["NIBP"] == "--/-- (--) mmHg"


def test_empty_bed_says_so_and_shows_no_numbers(grid):
    view = grid.tile("north-1-01").view()
    assert view.patient == "empty bed"
    assert view.numerics == () and view.stale == ""


def test_occupied_bed_never_heard_from_shows_no_data(tile):
    assert tile.view().stale == "NO DATA"


def test_stale_marker_appears_after_the_limit_and_goes_with_fresh_data(grid, tile, now):
    grid.show_vitals({"north-1-07": sample(T0)})
    now[0] = T0 + 5.0
    grid.refresh_staleness()
    assert tile.view().stale == ""
    now[0] = T0 + 12.0
    grid.refresh_staleness()
    assert tile.view().stale == "NO DATA 12 s"
    assert numerics(tile)["HR"] == "72 bpm"  # the last value stays readable, drawn struck and grey
    grid.show_vitals({"north-1-07": sample(T0 + 12.0)})
    assert tile.view().stale == ""


def test_staleness_is_checked_by_a_timer_when_no_data_arrives(qtbot, grid, tile, now):
    grid.show_vitals({"north-1-07": sample(T0)})
    now[0] = T0 + 30.0
    qtbot.waitUntil(lambda: tile.view().stale == "NO DATA 30 s", timeout=2500)


def test_an_older_sample_does_not_replace_a_newer_one(grid, tile):
    grid.show_vitals({"north-1-07": sample(T0, heart_rate=80.0)})
    grid.show_vitals({"north-1-07": sample(T0 - 3, heart_rate=60.0)})
    assert numerics(tile)["HR"] == "80 bpm"


def test_recent_samples_fill_two_minutes_of_trend(grid, tile, now):
    now[0] = T0 + 299
    grid.show_recent({"north-1-07": [sample(T0 + s, heart_rate=60.0 + s % 7) for s in range(300)]})
    trend = tile.view().trend
    assert trend[0][0] == T0 + 299 - 120 and trend[-1] == (T0 + 299, 60.0 + 299 % 7)
    grid.show_vitals({"north-1-07": sample(T0 + 300, heart_rate=None)})
    assert tile.view().trend[-1] == (T0 + 300, None)


def test_the_most_urgent_alarm_of_the_bed_is_written_with_its_marks(grid, tile):
    grid.show_alarms(
        [
            alarm("a1", Priority.LOW, "HR high"),
            alarm("a2", Priority.HIGH, "SpO\u2082 low"),
            alarm("a3", Priority.HIGH, "Asystole", bed_id="north-1-02"),
        ]
    )
    assert tile.view().alarm is Priority.HIGH
    assert tile.view().alarm_text == "*** SpO\u2082 low +1"
    assert grid.tile("north-1-03").view().alarm is None


def test_alarm_colour_is_painted_on_the_tile_border(grid, tile):
    grid.show_alarms([alarm("a1", Priority.MEDIUM, "NIBP sys high")])
    tile.resize(260, 220)
    image = tile.grab().toImage()
    assert image.pixelColor(1, 1).name() == palette.ALARM_COLOURS[Priority.MEDIUM]
    grid.show_alarms([])
    assert tile.grab().toImage().pixelColor(1, 1).name() != palette.ALARM_COLOURS[Priority.MEDIUM]
    assert tile.view().alarm_text == ""


def test_acknowledged_alarms_leave_the_tile(grid, tile):
    grid.show_alarms([alarm("a1", Priority.MEDIUM, "RR low", acknowledged_by="nurse", acknowledged_at=T0)])
    assert tile.view().alarm is None


def test_clicking_a_tile_with_a_patient_selects_the_patient(qtbot, grid, tile):
    with qtbot.waitSignal(grid.patient_selected) as blocker:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert blocker.args == ["p-jane"]
    assert tile.view().selected


def test_clicking_an_empty_bed_selects_nobody(qtbot, grid):
    with qtbot.assertNotEmitted(grid.patient_selected):
        qtbot.mouseClick(grid.tile("north-1-01"), Qt.MouseButton.LeftButton)


def test_select_patient_highlights_only_that_tile(grid, tile):
    grid.select_patient("p-jane")
    assert [t.bed.id for t in grid.tiles() if t.view().selected] == ["north-1-07"]
    grid.select_patient("someone-else")
    assert not any(t.view().selected for t in grid.tiles())


def test_same_beds_and_patients_again_keep_their_tiles_and_trends(grid, tile):
    grid.show_recent({"north-1-07": [sample(T0 - 1), sample(T0)]})
    grid.set_beds(beds(16), {"north-1-07": jane()})
    assert grid.tile("north-1-07") is tile
    assert numerics(tile)["HR"] == "72 bpm" and len(tile.view().trend) == 2


def kofi(bed_id: str = "north-1-07") -> Patient:
    return Patient("p-kofi", "north", "north-1", "MRN8", "Kofi", "Boateng", date(1950, 1, 2), bed_id=bed_id)


def test_a_new_occupant_never_shows_the_previous_patients_numbers_or_trend(grid, tile):
    grid.show_recent({"north-1-07": [sample(T0 - 1, heart_rate=140.0), sample(T0, heart_rate=140.0)]})
    grid.set_beds(beds(16), {"north-1-07": kofi()})
    view = tile.view()
    assert view.patient == "Kofi Boateng"
    assert numerics(tile)["HR"] == "-- bpm" and view.trend == () and view.stale == "NO DATA"
    grid.show_vitals({"north-1-07": sample(T0 + 1, heart_rate=66.0)})
    assert numerics(tile)["HR"] == "66 bpm" and len(tile.view().trend) == 1


def test_samples_from_before_a_new_occupant_arrived_are_not_theirs(grid, tile, now):
    grid.show_vitals({"north-1-07": sample(T0, heart_rate=140.0)})
    now[0] = T0 + 10
    grid.set_beds(beds(16), {"north-1-07": kofi()})
    # The feed may send the bed's recent samples again; those before the change are Jane's.
    grid.show_recent({"north-1-07": [sample(T0 + 9, heart_rate=140.0), sample(T0 + 10, heart_rate=70.0)]})
    assert numerics(tile)["HR"] == "70 bpm" and len(tile.view().trend) == 1
    grid.show_vitals({"north-1-07": sample(T0 + 9.5, heart_rate=140.0)})
    assert numerics(tile)["HR"] == "70 bpm"


def test_a_bed_emptied_forgets_its_samples_and_ignores_new_ones(grid, tile, now):
    grid.show_vitals({"north-1-07": sample(T0)})
    grid.set_beds(beds(16), {})
    grid.show_vitals({"north-1-07": sample(T0 + 1)})
    grid.show_recent({"north-1-07": [sample(T0 + 2)]})
    now[0] = T0 + 60
    view = tile.view()
    assert view.patient == "empty bed"
    assert view.numerics == () and view.trend == () and view.stale == ""
    grid.set_beds(beds(16), {"north-1-07": jane()})
    assert numerics(tile)["HR"] == "-- bpm" and tile.view().stale == "NO DATA"


def test_an_alarm_of_a_previous_occupant_does_not_colour_the_new_one(grid, tile):
    latched = alarm("a-1", Priority.HIGH, "HR high")  # raised for p-jane
    grid.show_alarms([latched])
    assert tile.view().alarm is Priority.HIGH
    grid.set_beds(beds(16), {"north-1-07": kofi()})
    assert tile.view().alarm is None and tile.view().alarm_text == ""
    grid.set_beds(beds(16), {})
    assert tile.view().alarm is None
    for_kofi = dataclasses.replace(latched, id="a-2", patient_id="p-kofi", priority=Priority.MEDIUM)
    no_patient = dataclasses.replace(latched, id="a-3", patient_id=None, priority=Priority.LOW)
    grid.set_beds(beds(16), {"north-1-07": kofi()})
    grid.show_alarms([latched, for_kofi])
    assert tile.view().alarm is Priority.MEDIUM
    grid.show_alarms([latched, no_patient])
    assert tile.view().alarm is Priority.LOW


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def painted_with_the_witness(qtbot, grid, witness: PaintCounter) -> None:
    """Have the window paint the witness tile, and wait until it has: whatever else was due to
    be painted (asked for before) is painted in the same pass."""
    before = witness.paints
    grid.tile("north-1-01").update()
    qtbot.waitUntil(lambda: witness.paints > before, timeout=1000)


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on show()
def test_tiles_repaint_only_when_something_changed(qtbot, grid, tile, now):
    grid.show_vitals({"north-1-07": sample(T0)})
    grid.resize(1000, 900)
    grid.show()
    qtbot.waitExposed(grid)
    witness = PaintCounter()  # another tile: the window paints every widget due in one go
    grid.tile("north-1-01").installEventFilter(witness)
    painted_with_the_witness(qtbot, grid, witness)  # the shown window's first paints are over
    counter = PaintCounter()
    tile.installEventFilter(counter)
    now[0] = T0 + 1
    grid.refresh_staleness()
    painted_with_the_witness(qtbot, grid, witness)  # a repaint asked for would be done by now
    assert counter.paints == 0
    grid.show_vitals({"north-1-07": sample(T0 + 1, heart_rate=90.0)})
    qtbot.waitUntil(lambda: counter.paints > 0, timeout=1000)


def test_a_bed_fed_by_the_simulator_says_simulated_and_a_measured_one_does_not(grid, tile, now):
    grid.show_vitals({"north-1-07": sample(T0)})
    assert not tile.view().simulated and "SIMULATED" not in tile.accessibleDescription()
    grid.show_vitals({"north-1-07": sample(T0 + 1, simulated=True)})
    assert tile.view().simulated
    assert tile.accessibleDescription().startswith("Bed 7, SIMULATED, Jane Doe")


def test_the_simulated_mark_is_drawn_beside_the_name_without_covering_it(grid, tile, now):
    from PySide6.QtGui import QColor

    grid.resize(1200, 800)
    grid.show()
    grid.show_vitals({"north-1-07": sample(T0, simulated=True)})
    image = tile.grab().toImage()
    violet = QColor(palette.SIMULATED).rgb()
    hits = [(x, y) for y in range(image.height()) for x in range(image.width())
            if image.pixel(x, y) == violet]
    assert hits, "no SIMULATED mark drawn"
    assert min(x for x, _ in hits) > image.width() * 0.4  # on the right, the name on the left
