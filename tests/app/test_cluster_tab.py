"""The window's Cluster tab: `--show cluster` brings it to the front, it shows every store's
nodes from their health checks, asked once a second while it is shown (every 2 s otherwise),
and, on a lab, the drill running there from the events file its process writes."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.bootstrap import apply_theme, start_station
from app.cli import parse_args
from app.config import Config
from app.lab.drills.events import DrillLog
from app.lab.state import Lab
from app.main_window import CLUSTER_REFRESH_S, HEALTH_REFRESH_S
from app.startup import open_station_stores
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


def test_show_cluster_is_a_choice_of_the_run_command():
    assert parse_args(["run", "--show", "cluster"]).show == "cluster"
    assert parse_args([]).show == "ward"


def test_the_cluster_tab_shows_every_store_and_is_refreshed_every_second_while_shown(
        qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False)

    async def scenario() -> list[tuple[str, list[str]]]:
        stores = await open_station_stores(config)
        station = await start_station(config, stores)
        apply_theme(QApplication.instance())
        window = station.window
        try:
            window.show_view("cluster")
            assert window.views.currentWidget() is window.cluster_view
            assert window.health_feed.refresh_s == CLUSTER_REFRESH_S
            await eventually(lambda: len(window.cluster_view.groups) == 5, 20, "five stores")
            assert window.cluster_actions.buttons == {}  # on no lab, the view is read-only
            window.show_view("ward")
            assert window.health_feed.refresh_s == HEALTH_REFRESH_S
            return [(g.store, [n.state for n in g.nodes]) for g in window.cluster_view.groups]
        finally:
            window.skip_close_confirmation("test done")
            await station.stop()

    shown = run_on_qt_loop(scenario())
    assert shown == [(store, ["up"]) for store in
                     ("alerts", "patients", "vitals", "network", "analytics")]


def test_on_a_lab_the_cluster_tab_follows_the_drill_its_process_writes(qapp, tmp_path,
                                                                         seeded_demo):
    Lab(tmp_path).save()  # the lab's folder, with the station's data inside it as `lab up` does
    seeded_demo.copy_into(tmp_path / "station-data")
    config = Config(data_dir=tmp_path / "station-data", user="nurse.test", simulator=False)

    async def scenario() -> None:
        stores = await open_station_stores(config)
        station = await start_station(config, stores)
        view = station.window.cluster_view
        log = DrillLog(tmp_path, "redis-master")
        try:
            station.window.show_view("cluster")
            log.event("start", "kill the master")
            log.event("step", "killed redis-1")
            log.event("counters", figures={"alarms_sent": 40, "alarms_missing": 2})
            await eventually(lambda: view.drill and view.drill.figures.get("alarms_sent") == 40,
                             10, "the counters in the panel")
            assert [c.text for c in view.timeline.changes if c.origin == "drill"] == [
                "redis-master started: kill the master", "killed redis-1"]
            log.event("end", figures={"alarms_missing": 0}, verdict="nothing lost")
            await eventually(lambda: view.drill.nothing_lost, 10, "the verdict")
            again = DrillLog(tmp_path, "redis-master")  # the next run: a new file
            again.event("start", "once more")
            await eventually(lambda: view.drill.run == again.run, 10, "the new run")
            assert view.drill.verdict is None
            again.close()
        finally:
            log.close()
            station.window.skip_close_confirmation("test done")
            await station.stop()

    run_on_qt_loop(scenario())
