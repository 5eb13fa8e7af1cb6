"""The care network on a Neo4j server of its own that is stopped and started again while the
station writes: the writes made while it is down wait in the outbox and land once it is back;
and a read right after a write sees it (the station's sessions share one bookmark manager)."""

from __future__ import annotations

import pytest

from stores import STORE_NAMES, StoreConfig, open_stores
from stores.model import CareLink, CareLinkKind, Clinician, ClinicianRole, HealthState
from tests.servers import accept_plain
from tests.servers.java_servers import START_TIMEOUT_S, fetched_or_skip, start_java_or_skip
from tests.servers.neo4j import start_neo4j
from tests.waiting import eventually

pytestmark = [pytest.mark.asyncio, pytest.mark.slow, pytest.mark.timeout(START_TIMEOUT_S)]


@pytest.fixture
def own_neo4j(tmp_path):
    jars, java = fetched_or_skip("neo4j")
    server = start_java_or_skip("Neo4j", lambda: start_neo4j(tmp_path / "neo4j", jars, java))
    yield server, jars, java
    if server.process:
        server.process.kill()


async def test_writes_made_while_neo4j_is_stopped_land_when_it_is_started_again(
        own_neo4j, tmp_path):
    server, jars, java = own_neo4j
    urls = dict.fromkeys(STORE_NAMES, "embedded")
    urls["network"] = accept_plain("network", server.url, server.password)
    stores = await open_stores(StoreConfig(data_dir=tmp_path / "station", urls=urls,
                                           secrets={"network": server.password}))
    network = stores.network
    try:
        await network.prepare(create=True)
        await network.put_clinician(Clinician("d-ng", "Dr Ng", ClinicianRole.DOCTOR, "north"))
        await network.put_patient("p0", "Ada Lovelace")
        await network.link(CareLink("d-ng", "p0", CareLinkKind.TREATS))
        # the read right after the write sees it, and carries the bookmark the write left (the
        # sessions' shared manager, looked at from outside: it is the driver's own object)
        assert {n.id for n in (await network.care_team("p0")).nodes} == {"p0", "d-ng"}
        assert await network.inner._sessions._bookmarks.get_bookmarks()

        server.process.stop()
        assert (await network.health()).state is HealthState.DOWN
        for n in range(1, 6):  # the station goes on: each write is kept, none refused
            await network.put_patient(f"p{n}", f"Patient {n}")
            await network.link(CareLink("d-ng", f"p{n}", CareLinkKind.TREATS))
        waiting, refused = await network.courier.counts()
        assert waiting == 10 and refused == 0

        server.start(jars, java)
        server.wait_ready(START_TIMEOUT_S)

        async def delivered() -> bool:
            return (await network.courier.counts())[0] == 0
        await eventually(delivered, 120, "the outbox delivered to Neo4j")
        team = await network.care_team("p0")  # Dr Ng's other patients are in it too
        assert {node.id for node in team.nodes} == {"d-ng", *(f"p{n}" for n in range(6))}
        assert {(link.source_id, link.target_id) for link in team.links} == {
            ("d-ng", f"p{n}") for n in range(6)}
        assert (await network.health()).state is HealthState.UP
    finally:
        await stores.close()
