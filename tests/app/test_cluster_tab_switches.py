"""The Cluster tab's teaching switches, wired: on a station beside its lab, a store the lab's
nodes serve shows its switch; a click goes through the app layer (app/lab/teaching.py) to the
store, and the switch, the status bar and the store's reads follow at once. On the demo
hospital (embedded stores, no lab) there is no switch at all."""

from __future__ import annotations

from pathlib import Path

from app.config import Config
from app.lab.node import LabNode
from app.lab.state import Lab
from stores import STORE_NAMES
from tests.app.qasync_helpers import run_on_qt_loop
from tests.app.station_window import station_window
from tests.waiting import eventually

CASSANDRA = "cassandra://127.0.0.1:9/ward?dc=dc1&timeout=1"  # nothing listens there
READS = ("analytics", "read_consistency")


def lab_beside(data_dir: Path) -> None:
    """A lab's state file where a station on `data_dir` finds it, naming the node at :9."""
    folder = data_dir.parent
    Lab(folder, [LabNode("cassandra-1", "analytics", "cassandra", "127.0.0.1", 9,
                         folder / "cassandra-1", [])]).save()


def run_window(config: Config, scenario) -> object:
    """`scenario(window)`'s answer, with the window on its Cluster tab."""

    async def run() -> object:
        async with station_window(config) as window:
            window.show_view("cluster")
            return await scenario(window)

    return run_on_qt_loop(run())


def test_a_switch_clicked_is_applied_and_shown_with_why_reads_fail(qapp, tmp_path,
                                                                   seeded_demo):
    data_dir = tmp_path / "lab" / "station-data"
    seeded_demo.copy_into(data_dir)
    lab_beside(data_dir)
    config = Config(data_dir=data_dir, user="trainer.test", simulator=False,
                    environment="training",
                    stores=dict.fromkeys(STORE_NAMES, "embedded") | {"analytics": CASSANDRA})

    async def scenario(window):
        view = window.cluster_view
        await eventually(lambda: READS in view.switches.shown, 20, "the switch of the reads")
        # the analytics feed's reads fail (no server): said under the switch
        await eventually(lambda: "cannot reach 127.0.0.1:9" in view.notes("analytics").get("reads fail", ""),
                         20, "why the reads fail")
        assert list(view.switches.shown) == [READS]  # the embedded stores offer none
        assert "reads: LOCAL_ONE" in _analytics(view).consistency
        view.switches.shown[READS].buttons["ALL"].click()
        await eventually(lambda: view.switches.shown[READS].setting.value == "ALL", 10,
                         "the switch showing ALL in use")
        message = window.statusBar().currentMessage()
        # the store's consistency line says the level in use, asked again at once
        await eventually(lambda: "reads: ALL" in _analytics(view).consistency, 3, "reads: ALL")
        return message

    assert run_window(config, scenario) == "Switched for teaching: analytics \u00b7 reads ALL"


def _analytics(view):
    return next(group for group in view.groups if group.store == "analytics")


def test_the_demo_hospital_shows_no_switch(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False)

    async def scenario(window):
        await eventually(lambda: len(window.cluster_view.groups) == 5, 20, "five stores")
        return window.teaching.offered(), dict(window.cluster_view.switches.shown)

    assert run_window(config, scenario) == ((), {})
