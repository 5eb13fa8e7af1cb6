"""The Neo4j care network on a real server (tests/servers/neo4j.py: the lab's Neo4j, or the one
WARD_TEST_NEO4J_URL names), for what the contract suite cannot show: the uniqueness constraints
`prepare` creates are the server's and refuse a second person with an id, and what people type
travels as Cypher parameters, never as query text."""

from __future__ import annotations

import pytest
import pytest_asyncio
from neo4j.exceptions import ConstraintError

from stores import STORE_NAMES, StoreConfig, open_stores
from stores.errors import ValidationError
from stores.model import CareLink, CareLinkKind, Clinician, ClinicianRole
from stores.network.neo4j_errors import store_error
from tests.servers import accept_plain
from tests.servers.java_servers import START_TIMEOUT_S

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(START_TIMEOUT_S)]

# ids and names a user could type, each of them Cypher if it were pasted into a query
TYPED = ["p1'}) DETACH DELETE n //", 'p2"}) SET n.name = "x" //', "p3` MATCH (n) DELETE n",
         "$id", "p5\\'; CALL dbms.components() //"]


@pytest_asyncio.fixture
async def network(neo4j_server, tmp_path):
    """The care network store on an emptied database, its schema created as check --init does."""
    urls = dict.fromkeys(STORE_NAMES, "embedded")
    urls["network"] = accept_plain("network", neo4j_server.fresh_url("server"),
                                   neo4j_server.secret)
    secrets = {"network": neo4j_server.secret} if neo4j_server.secret else {}
    stores = await open_stores(StoreConfig(data_dir=tmp_path / "station", urls=urls,
                                           secrets=secrets))
    await stores.network.prepare(create=True)
    yield stores.network
    await stores.close()


async def test_prepare_leaves_nothing_missing_and_the_constraints_are_the_servers(
        network, neo4j_server):
    assert await network.prepare() == []

    shown = neo4j_server.run("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties")
    unique = {(row["labelsOrTypes"][0], row["properties"][0]) for row in shown
              if row["type"] in ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS")}
    assert {("Clinician", "id"), ("Patient", "id")} <= unique


async def test_the_server_refuses_a_second_patient_with_an_id_and_the_store_says_which_field(
        network, neo4j_server):
    await network.put_patient("p1", "Ada Lovelace")

    with pytest.raises(ConstraintError) as refused:
        neo4j_server.run("CREATE (:Patient {id: $id, name: 'Ada again'})", id="p1")

    translated = store_error(refused.value, "lab", "neo4j")
    assert isinstance(translated, ValidationError) and translated.field == "id"
    assert neo4j_server.run("MATCH (p:Patient {id: 'p1'}) RETURN p.name AS name") == [
        {"name": "Ada Lovelace"}]


async def test_what_people_type_is_kept_as_typed_and_runs_nothing(network, neo4j_server):
    await network.put_clinician(Clinician("d-ng", "Dr Ng", ClinicianRole.DOCTOR, "north"))
    for typed in TYPED:
        await network.put_patient(typed, typed)
        await network.link(CareLink("d-ng", typed, CareLinkKind.TREATS))

    for typed in TYPED:
        graph = await network.care_team(typed)
        assert graph.node(typed).label == typed
    names = neo4j_server.run("MATCH (p:Patient) RETURN p.name AS name ORDER BY name")
    assert [row["name"] for row in names] == sorted(TYPED)
    assert [c.name for c in await network.clinicians("north")] == ["Dr Ng"]
