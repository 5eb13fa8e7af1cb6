"""The station on real servers: it starts with a server down, says so, and fills in when the
server returns (the patient store here: nx-27017, a MongoDB wire-protocol server)."""

from __future__ import annotations

import pytest

from app.bootstrap import start_station
from app.config import Config
from app.demo.seed import seed_demo_hospital
from app.startup import open_station_stores
from stores import STORE_NAMES
from tests.app.qasync_helpers import run_on_qt_loop
from tests.servers import free_port, start_or_skip
from tests.servers.mongo import nx_process
from tests.waiting import eventually

pytestmark = pytest.mark.slow


def test_a_station_started_with_its_patient_store_down_shows_the_ward_once_it_answers(
        qapp, tmp_path):
    try:
        mongo = nx_process(tmp_path / "mongo", free_port())
    except RuntimeError as exc:
        pytest.skip(str(exc))
    port = mongo.argv[mongo.argv.index("-p") + 1]
    urls = dict.fromkeys(STORE_NAMES, "embedded")
    urls["patients"] = f"mongodb://127.0.0.1:{port}/ward?timeoutMS=1000"
    config = Config(data_dir=tmp_path / "station", user="nurse.test", stores=urls)

    async def scenario() -> None:
        stores = await open_station_stores(config)  # the server is not running: starts anyway
        station = await start_station(config, stores)
        window = station.window
        window.patients_feed._refresh_s = 0.5  # noqa: SLF001 - poll fast so the test is short
        try:
            window.show()
            await eventually(lambda: not window.beds_panel.is_available(), 10, "beds unavailable")
            assert "cannot reach 127.0.0.1" in window.beds_panel.unavailable_reason()
            assert not window.patients_panel.is_available()

            start_or_skip("nx-27017", mongo.start)
            await stores.patients.prepare(create=True)
            await seed_demo_hospital(stores)  # what `ward-station simulate` does on a new stack
            await eventually(lambda: len(window.bed_grid.tiles()) == 16, 15, "the ward's beds")
            assert window.beds_panel.is_available() and window.patients_panel.is_available()
        finally:
            await station.stop()
            mongo.stop()

    run_on_qt_loop(scenario(), timeout_s=180)  # seeding a hospital into nx-27017 is slow
