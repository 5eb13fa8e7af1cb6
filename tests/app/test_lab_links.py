"""The station's link to a store in the lab (a relay, app/lab/relay.py): cut, the station's
store is down and its writes wait in the outbox while the server runs on; relayed again, the
store answers and the writes land."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import urllib.parse

import pytest

from app.config import load_config
from app.lab import control, probes
from app.lab.links import start_links
from app.lab.node import LabNode
from app.lab.station_view import StationLab
from app.lab.state import Lab, LabError
from app.lab.table import rows
from stores import STORE_NAMES, StoreConfig, open_stores
from stores.model import HealthState, VitalSample
from tests.app.lab_small import down_quietly, small_lab
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


@pytest.fixture
def lab(tmp_path):
    found = small_lab(tmp_path / "lab")
    yield found
    down_quietly(found)


def sample(at: float, heart_rate: float) -> VitalSample:
    return VitalSample("link-test-bed", at, heart_rate=heart_rate)


async def health_state(stores) -> HealthState:
    return (await stores.vitals.health()).state


async def down(stores) -> bool:
    return await health_state(stores) is HealthState.DOWN


@pytest.mark.asyncio
async def test_a_cut_link_takes_the_store_down_and_its_writes_land_once_it_relays(lab, tmp_path):
    config = load_config(lab.folder / "station.toml", environ={})
    stores = await open_stores(dataclasses.replace(config.store_config,
                                                   data_dir=tmp_path / "station"))
    influx, view = lab.node("influxdb"), StationLab(config.data_dir)
    link_address = config.stores["vitals"].split("/")[2]
    try:
        start = time.time()
        await stores.vitals.write([sample(start, 70)])
        assert await stores.vitals.courier.counts() == (0, 0)  # straight to the server
        assert view.links() == {"vitals": ("link-vitals", "relaying")}
        assert view.states()[link_address] == ("influxdb", "running")

        await asyncio.to_thread(control.cut, lab, "link-vitals", lambda _: None)
        await eventually(lambda: down(stores), 10, "the store down")
        assert probes.answers(influx, {}), "the server itself runs on"
        assert view.links() == {"vitals": ("link-vitals", "cut")}
        assert view.states()[link_address] == ("influxdb", "cut")
        await stores.vitals.write([sample(start + 1, 71)])
        assert await stores.vitals.courier.counts() == (1, 0)  # kept in the outbox
        assert "CUT since" in next(row[2] for row in rows(lab) if row[1] == "link-vitals")

        await asyncio.to_thread(control.restore, lab, "link-vitals", lambda _: None)
        await eventually(lambda: _delivered(stores), 20, "the queued write delivered")
        found = await stores.vitals.history("link-test-bed", start - 1, start + 2)
        assert [s.heart_rate for s in found] == [70, 71]
        assert await health_state(stores) is HealthState.UP
    finally:
        await stores.close()


async def _delivered(stores) -> bool:
    return (await stores.vitals.courier.counts())[0] == 0


def test_only_a_running_link_is_cut_and_a_server_never_is(lab):
    with pytest.raises(LabError, match="influxdb is a server, not a station's link"):
        control.cut(lab, "influxdb", lambda _: None)
    said: list[str] = []
    control.cut(lab, "link-vitals", said.append)
    assert "0 connection(s) dropped" in said[0] and "influxdb itself runs on" in said[0]
    with pytest.raises(LabError, match="cut already"):
        control.cut(lab, "link-vitals", lambda _: None)
    control.restore(lab, "link-vitals", said.append)
    assert said[-1] == "link-vitals relays again: the station reaches influxdb"
    control.freeze(lab, "link-vitals", lambda _: None)
    with pytest.raises(LabError, match="link-vitals is frozen"):
        control.cut(lab, "link-vitals", lambda _: None)
    control.kill(lab, "link-vitals", lambda _: None)
    control.restore(Lab.load(lab.folder), "link-vitals", said.append)  # a new relay, relaying
    assert StationLab(lab.folder / "station-data").links() == {
        "vitals": ("link-vitals", "relaying")}


@pytest.mark.asyncio
async def test_the_care_network_is_reached_over_bolt_through_its_link(neo4j_server, tmp_path):
    """neo4j:// would route to the address the server advertises, past the link: the lab's
    config says bolt:// to the link, and cutting it takes the care network down."""
    server = urllib.parse.urlsplit(neo4j_server.fresh_url("link"))
    lab = Lab(tmp_path / "lab", [LabNode("neo4j", "network", "neo4j", server.hostname,
                                         server.port, tmp_path / "neo4j", [])])
    lab.folder.mkdir()
    url = start_links(lab, {"network": neo4j_server.url + "?insecure=true"})["network"]
    lab.save()
    assert url.startswith(f"bolt://127.0.0.1:{lab.node('link-network').port}/")
    config = StoreConfig(tmp_path / "station", urls={**dict.fromkeys(STORE_NAMES, "embedded"),
                                                     "network": url},
                         secrets={"network": neo4j_server.secret})
    stores = await open_stores(config)
    network = stores.network
    try:
        await eventually(lambda: _up(network), 30, "the care network through its link")
        await network.put_patient("link-test-patient", "Link Test")
        await asyncio.to_thread(control.cut, lab, "link-network", lambda _: None)
        await eventually(lambda: _down(network), 10, "the care network down")
        await asyncio.to_thread(control.restore, lab, "link-network", lambda _: None)
        await eventually(lambda: _up(network), 30, "the care network back")
        assert (await network.care_team("link-test-patient")).node("link-test-patient")
    finally:
        await stores.close()
        down_quietly(lab)


async def _up(store) -> bool:
    return (await store.health()).state is HealthState.UP


async def _down(store) -> bool:
    return (await store.health()).state is HealthState.DOWN
