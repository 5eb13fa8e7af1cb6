"""The second screen's window (`second_ward`): another ward's beds live, the station's one alarm
feed on both banners, a bed clicked there selected in the main window; a bad ward name is one
line."""

from __future__ import annotations

import contextlib
import dataclasses
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.alarms.open_alarms import OpenAlarms
from app.alarms.technical import TechnicalAlarms
from app.bench import ward
from app.bootstrap import start_station
from app.config import Config, ConfigError, load_config
from app.second_screen.beds import beds_subtitle, screen_part
from app.second_screen.placement import ONE_SCREEN_NOTE, show_second_window
from app.startup import StartupError, open_station_stores
from stores import open_stores
from stores.model import Alarm, AuditEntry, Bed, Priority, Ward, Waveform
from tests.app.cli_runs import ward_station_process
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

SIZE = (1366, 768)


def live_tiles(window) -> list:
    return [t for t in window.bed_grid.tiles() if t.view().occupied and not t.view().stale
            and any(n.value not in ("", "--", "-?-") for n in t.view().numerics)]


def on_banner(banner) -> dict[str, Alarm]:
    """The alarms a banner shows, by id: its top one and its rows."""
    shown = [banner.shown_alarm(), *(row.alarm for row in banner.list.shown_rows())]
    return {alarm.id: alarm for alarm in shown if alarm is not None}


@contextlib.asynccontextmanager
async def running(config: Config):
    """The station of `config`, its windows shown, stopped after the block."""
    stores = await open_station_stores(config)
    station = await start_station(config, stores)
    station.window.resize(*SIZE)
    station.window.show()
    show_second_window(station.second_window, station.window, SIZE)
    try:
        yield station
    finally:
        station.window.skip_close_confirmation("test done")
        await station.stop()


@pytest.mark.slow
def test_the_second_window_shows_its_ward_live_and_a_bed_clicked_there_is_selected(
        qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", second_ward="north-2")

    async def scenario() -> None:
        async with running(config) as station:
            main, second = station.window, station.second_window
            await eventually(lambda: len(live_tiles(second)) >= 10, 30,
                             "live values on the second screen")
            assert {tile.bed.ward for tile in second.bed_grid.tiles()} == {"north-2"}
            assert {tile.bed.ward for tile in main.bed_grid.tiles()} == {"north-1"}
            assert second.statusBar().currentMessage() == ONE_SCREEN_NOTE  # offscreen: one
            tile = live_tiles(second)[-1]
            QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
            assert main.selected_patient_id == tile.patient.id
            assert tile.view().selected
            assert not any(t.view().selected for t in main.bed_grid.tiles())
            assert main.vitals_chart.title() == \
                f"north-2 {tile.bed.label} \u00b7 {tile.patient.full_name}"
            # its ECG comes from the second screen's fetch, the main one does not ask for it
            await eventually(lambda: "25 mm/s" in main.vitals_chart.waveforms.label(
                Waveform.ECG_II), 10, "the selected bed's ECG strip")
            await eventually(lambda: main.patient_panel.form.loaded is not None
                             and main.patient_panel.form.loaded.id == tile.patient.id, 10,
                             "the selected patient's record")
            back_home = main.bed_grid.tiles()[0]
            QTest.mouseClick(back_home, Qt.MouseButton.LeftButton)
            assert not tile.view().selected  # the second screen follows the main selection

    run_on_qt_loop(scenario())


@pytest.fixture
def two_wards(demo_data_dir) -> Config:
    """north-1 with north-2 on the second screen, no simulator: only the tests' alarms."""
    return Config(data_dir=demo_data_dir, user="nurse.test", simulator=False,
                  second_ward="north-2")


@pytest.fixture
def windows_closed_in_a_test_do_not_quit(qapp):
    """Closing the last window would end the event loop the test runs on (the app quits)."""
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(True)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no stacking
def test_closing_the_second_window_leaves_the_station_and_closing_the_station_both(
        two_wards, windows_closed_in_a_test_do_not_quit):
    async def scenario() -> None:
        async with running(two_wards) as station:
            main, second = station.window, station.second_window
            second.close()
            assert main.isVisible() and main.close_reason is None
            assert second.show_again_button.isVisible()
            second.show_again_button.click()
            assert second.isVisible() and not second.show_again_button.isVisible()
            main.skip_close_confirmation("test: the station closes")
            main.close()
            assert not main.isVisible() and not second.isVisible()

    run_on_qt_loop(scenario())


def bench_alarm(patient, ward: str, number: int) -> Alarm:
    return Alarm(id=f"test:{ward}:{number}", region="north", ward=ward, bed_id=patient.bed_id,
                 patient_id=patient.id, patient_name=patient.full_name, priority=Priority.HIGH,
                 condition="SpO2 low", raised_at=time.time())


def acknowledgements(entries: list[AuditEntry], patient_id: str) -> int:
    return sum(e.action == "alarm acknowledged" and e.patient_id == patient_id for e in entries)


def test_alarms_of_both_wards_are_on_both_banners_and_one_acknowledgement_counts(
        qapp, two_wards):
    async def scenario() -> None:
        async with running(two_wards) as station:
            main, second, stores = station.window, station.second_window, station.stores
            north_1 = (await stores.patients.search("north", "north-1"))[0]
            north_2 = (await stores.patients.search("north", "north-2"))[0]
            here, there = bench_alarm(north_1, "north-1", 1), bench_alarm(north_2, "north-2", 2)
            await eventually(lambda: second.bed_grid.tiles(), 10, "the second ward's beds")
            for alarm in (here, there):
                await stores.alerts.publish(alarm)
            for banner in (main.banner, second.banner):
                await eventually(lambda b=banner: {here.id, there.id} <= on_banner(b).keys(),
                                 10, "both wards' alarms on a banner")
            bed = int(north_2.bed_id.rsplit("-", 1)[1])
            lines = [main.banner.text.text(), *(r.text() for r in main.banner.list.shown_rows())]
            assert any(f"north-2 Bed {bed} \u00b7 {north_2.full_name}" in line for line in lines)
            second.banner.acknowledge_requested.emit(there.id)
            await eventually(lambda: on_banner(main.banner)[there.id].acknowledged, 10,
                             "the second screen's acknowledgement on the main banner")
            assert on_banner(main.banner)[there.id].acknowledged_by == "nurse.test"
            assert not on_banner(second.banner)[here.id].acknowledged
            await eventually(lambda: second.bed_grid.tile(north_2.bed_id).view().alarm is None,
                             10, "the acknowledged alarm off its tile")
            async def recorded() -> int:
                return acknowledgements(await stores.patients.audit_log(north_2.id), north_2.id)

            await eventually(recorded, 10, "the acknowledgement in the audit log")
            await main.alarms_feed.acknowledge(there.id)  # the main banner's, later: no more
            assert await recorded() == 1

    run_on_qt_loop(scenario())


@pytest.mark.parametrize(("second_ward", "words"), [
    ("east-9", "second_ward 'east-9' has no beds; known demo wards: north-1"),
    ("south-1", "second_ward 'south-1' is in region 'south': a second screen shows a ward of "
                "the station's region ('north')"),
    ("north-1", "second_ward 'north-1' is the station's own ward, whose 16 beds fit on one "
                "screen"),
])
def test_a_second_ward_the_station_cannot_show_is_refused_at_start(qapp, demo_data_dir,
                                                                   second_ward, words):
    config = Config(data_dir=demo_data_dir, second_ward=second_ward, simulator=False)

    async def refusal() -> str | None:
        # caught here, not raised through the loop: a traceback holding the loop would keep
        # it from being collected on this thread
        try:
            stores = await open_station_stores(config)
        except StartupError as exc:
            return str(exc)
        await stores.close()
        return None

    assert words in (run_on_qt_loop(refusal()) or "(started)")


def test_a_bad_second_ward_in_the_config_is_one_line(demo_data_dir):
    config = demo_data_dir / "station.toml"
    config.write_text('second_ward = "north-9"\n')
    result = ward_station_process("--data-dir", str(demo_data_dir), "--config", str(config),
                                  "--screenshot", str(demo_data_dir / "s.png"), "--after", "0")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ward-station: error: second_ward 'north-9' has no beds; known demo wards: north-1, "
        "north-2, north-3, central-1, central-2, south-1, south-2, south-3"]


def test_a_ward_split_over_two_screens_shows_each_bed_once(qapp, tmp_path):
    """The station's own ward as second_ward: its first 32 beds on the main window, the rest
    on the second; a bed of either half selects in the main window and alarms on both."""
    config = Config(region=ward.REGION, ward=ward.WARD, user="nurse.test", data_dir=tmp_path,
                    simulator=False, second_ward=ward.WARD)

    async def scenario() -> None:
        stores = await open_stores(config.store_config)
        patients = await ward.admit_bench_ward(stores, 40)
        await stores.close()
        async with running(config) as station:
            main, second = station.window, station.second_window
            await eventually(lambda: len(second.bed_grid.tiles()) == 8, 10, "the second half")
            assert [t.bed.position for t in main.bed_grid.tiles()] == list(range(1, 33))
            assert [t.bed.position for t in second.bed_grid.tiles()] == list(range(33, 41))
            assert second.beds_panel.subtitle() == "beds 33-40 \u00b7 8 patients in 8 beds"
            assert main.beds_panel.subtitle() == "beds 1-32 \u00b7 32 patients in 32 beds"
            far = patients[35]
            alarm = dataclasses.replace(bench_alarm(far, ward.WARD, 3), region=ward.REGION)
            await station.stores.alerts.publish(alarm)
            for banner in (main.banner, second.banner):
                await eventually(lambda b=banner: alarm.id in on_banner(b), 10, "the alarm")
            QTest.mouseClick(second.bed_grid.tile(far.bed_id), Qt.MouseButton.LeftButton)
            assert main.selected_patient_id == far.id
            assert main.vitals_chart.title() == f"Bed 36 \u00b7 {far.full_name}"

    run_on_qt_loop(scenario())


def test_which_beds_each_screen_shows():
    beds = tuple(Bed(f"w-{n:02d}", "r", "w", f"Bed {n}", n) for n in reversed(range(1, 36)))
    whole = Ward(beds, {"w-33": "someone", "w-01": "another"})
    first, rest = screen_part(whole, 0, True), screen_part(whole, 1, True)
    assert [b.position for b in first.beds] == list(range(1, 33))  # in grid order
    assert [b.position for b in rest.beds] == [33, 34, 35]
    assert (first.patients_by_bed, rest.patients_by_bed) == ({"w-01": "another"},
                                                            {"w-33": "someone"})
    assert screen_part(whole, 1, False) is whole  # another ward: all of it
    assert beds_subtitle(rest, "timed out", None, split=True) == \
        "beds 33-35 \u00b7 1 patients in 3 beds \u00b7 live vitals unavailable: timed out"
    assert beds_subtitle(Ward(), None, "down") == \
        "0 patients in 0 beds \u00b7 patient records unavailable: down"


def test_the_second_ward_is_a_setting_of_the_file_the_environment_and_the_command_line(
        tmp_path):
    from app.cli import parse_args

    path = tmp_path / "station.toml"
    path.write_text('second_ward = "north-2"\n')
    assert load_config(path, environ={}).second_ward == "north-2"
    environ = {"WARD_STATION_SECOND_WARD": "north-3"}
    assert load_config(path, environ=environ).second_ward == "north-3"
    assert load_config(path, {"second_ward": "south-1"}, environ).second_ward == "south-1"
    assert load_config(None, environ={}).second_ward is None
    assert parse_args(["--second-ward", "north-2"]).second_ward == "north-2"
    path.write_text('second_ward = " "\n')
    with pytest.raises(ConfigError, match="second_ward must name a ward"):
        load_config(path, environ={})


def test_the_second_wards_alarms_are_held_before_its_beds_are_read_and_checked_after():
    """The second screen's ward may be read after the first's and after the current alarms:
    its alarms meanwhile are shown, not refused as naming unknown beds."""
    technical = TechnicalAlarms("north", "north-1", 5.0, time.time)
    held = OpenAlarms("north", "north-1", technical, other_wards=("north-2",))
    north_1 = [Bed(f"north-1-{n:02d}", "north", "north-1", f"Bed {n}", n) for n in (1, 2)]
    north_2 = [Bed(f"north-2-{n:02d}", "north", "north-2", f"Bed {n}", n) for n in (1, 2)]

    def alarm(number: int, ward: str, bed: str) -> Alarm:
        return Alarm(id=f"a{number}", region="north", ward=ward, bed_id=bed, patient_id=None,
                     patient_name="", priority=Priority.HIGH, condition="SpO2 low",
                     raised_at=time.time())

    held.set_beds(north_1)
    assert held.receive(alarm(1, "north-2", "north-2-02"))  # its ward not read yet: shown
    assert not held.receive(alarm(2, "south-1", "south-1-01"))  # not a ward of the station
    held.set_beds(north_1 + north_2)
    assert held.receive(alarm(3, "north-2", "north-2-01"))
    assert not held.receive(alarm(4, "north-2", "north-2-09"))  # north-2 has no bed 9
    assert not held.receive(alarm(5, "north-1", "north-2-01"))  # nor north-1 a bed of north-2
    assert set(held.by_id) == {"a1", "a3"}
    assert technical.alarms()[0].condition == \
        "2 alarm message(s) could not be shown: unknown bed 'north-2-01'"
