"""The station window with all five stores on real servers, as the lab runs them: Redis, InfluxDB,
nx-27017 (MongoDB's wire protocol), Neo4j and a three-node Cassandra. The demo hospital is
seeded into them, a patient's alarm reaches the banner and is acknowledged on the bus, and a
patient edit lands in the patient store. Where a server cannot run here its fixture skips (on
CI, a Java server that cannot run fails: WARD_TEST_REQUIRE_JAVA)."""

from __future__ import annotations

import dataclasses

import pytest

from app.bootstrap import start_station
from app.config import Config
from app.demo.seed import seed_demo_hospital
from app.startup import open_configured_stores, open_station_stores
from stores import STORE_NAMES
from stores.model import AlarmKind, AlarmLimits, Vital
from tests.app.qasync_helpers import run_on_qt_loop
from tests.servers import accept_plain
from tests.servers.java_servers import START_TIMEOUT_S
from tests.waiting import eventually

pytestmark = pytest.mark.slow


@pytest.fixture
def five_servers(redis_server, influx_server, mongo_server, neo4j_server, cassandra_server):
    servers = {"alerts": redis_server, "vitals": influx_server, "patients": mongo_server,
               "network": neo4j_server, "analytics": cassandra_server}
    urls, secrets = {}, {}
    for store, server in servers.items():
        secret = server.secret
        urls[store] = accept_plain(store, server.fresh_url("five"), secret)
        if secret:
            secrets[store] = secret
    return urls, secrets


def physiological(alarm):
    return alarm if alarm is not None and alarm.kind is AlarmKind.PHYSIOLOGICAL else None


@pytest.mark.timeout(START_TIMEOUT_S)
def test_the_station_runs_on_all_five_real_servers(qapp, tmp_path, five_servers):
    urls, secrets = five_servers
    assert set(urls) == set(STORE_NAMES)
    tight = AlarmLimits(Vital.HEART_RATE, high=60, delay_s=0)  # an alarm within seconds
    config = Config(data_dir=tmp_path / "station", user="nurse.test", stores=urls,
                    secrets=secrets, environment="training", simulator=True,
                    ward_alarm_limits={"north-1": (tight,)})

    async def scenario() -> tuple[str, int]:
        stores = await open_configured_stores(config)
        for name in STORE_NAMES:  # what `check --init` makes
            await getattr(stores, name).prepare(create=True)
        await seed_demo_hospital(stores, with_history=False)  # what `simulate` does
        station = await start_station(config, stores)
        window = station.window
        try:
            window.resize(1600, 960)
            window.show()
            await eventually(lambda: len(window.bed_grid.tiles()) == 16, 60, "the ward's beds")
            alarm = await eventually(lambda: window.banner.acknowledgeable()
                                     and physiological(window.banner.shown_alarm()), 60,
                                     "a patient's alarm in the banner")
            window.banner.acknowledge.click()
            await eventually(lambda: window.banner.shown_alarm() is None
                             or window.banner.shown_alarm().id != alarm.id, 10,
                             "the acknowledged alarm leaving the banner")

            async def acknowledged_on_bus() -> bool:
                # the banner may move on (a more urgent alarm) before the write lands
                on_bus = {a.id: a for a in await stores.alerts.history(config.region, 0)}
                return alarm.id in on_bus and on_bus[alarm.id].acknowledged_by == "nurse.test"

            await eventually(acknowledged_on_bus, 10, "the acknowledgement on the bus")
            panel = window.patient_panel
            loaded = await eventually(lambda: panel.form.loaded, 30, "the patient in the form")
            panel.form.editor("notes").setPlainText("Edited on five real servers")
            panel.save_button.click()
            await eventually(lambda: panel.form.loaded is not None
                             and panel.form.loaded.version == loaded.version + 1, 30,
                             "the saved record")
            team = await stores.network.care_team(loaded.id)
            return loaded.id, len(team.links)
        finally:
            await station.stop()

    patient_id, team_links = run_on_qt_loop(scenario(), timeout_s=START_TIMEOUT_S)
    assert team_links > 0  # the care network, seeded into Neo4j, read back from it

    async def reopened():
        stores = await open_station_stores(dataclasses.replace(config, simulator=False))
        try:
            return await stores.patients.get(patient_id)
        finally:
            await stores.close()

    patient = run_on_qt_loop(reopened())
    assert patient.notes == "Edited on five real servers"
