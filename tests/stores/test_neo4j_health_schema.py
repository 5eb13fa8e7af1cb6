"""The Neo4j care network's health (latency, routing table, roles) and schema (`prepare`), at the
driver boundary."""

from __future__ import annotations

import pytest
from neo4j import exceptions as neo

from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus
from stores.network import neo4j_cypher as cypher
from stores.network.neo4j import Neo4jCareNetworkStore
from tests.stores.neo4j_fake import FakeNeo4jDriver

pytestmark = pytest.mark.asyncio

CLUSTER = [{"ttl": 300, "servers": [
    {"role": "WRITE", "addresses": ["core2:7687"]},
    {"role": "READ", "addresses": ["core1:7687", "core3:7687", "replica1:7687"]},
    {"role": "ROUTE", "addresses": ["core1:7687", "core2:7687", "core3:7687"]},
]}]
CONSTRAINTS_SHOWN = [
    {"name": "c1", "type": "UNIQUENESS", "labelsOrTypes": ["Clinician"], "properties": ["id"]},
    {"name": "x", "type": "NODE_PROPERTY_UNIQUENESS", "labelsOrTypes": ["Patient"],
     "properties": ["id"]},
]
INDEXES_SHOWN = [
    {"name": "r", "type": "RANGE", "labelsOrTypes": ["Clinician"], "properties": ["region", "x"]},
    {"name": "l", "type": "LOOKUP", "labelsOrTypes": None, "properties": None},
]


def server_error(code: str) -> neo.Neo4jError:
    return neo.Neo4jError._hydrate_neo4j(code=code, message="no")


@pytest.fixture
def driver() -> FakeNeo4jDriver:
    return FakeNeo4jDriver()


@pytest.fixture
def network(driver) -> Neo4jCareNetworkStore:
    return Neo4jCareNetworkStore(driver, "north", addresses=["core1:7687"])


async def test_health_times_a_trivial_read_and_names_each_member_by_its_role(driver, network):
    driver.answer(cypher.PING, [{"ok": 1}])
    driver.answer(cypher.ROUTING_TABLE, CLUSTER)

    health = await network.health()

    assert (health.store, health.backend, health.state) == ("network", "neo4j", HealthState.UP)
    assert health.latency_ms is not None and health.latency_ms >= 0.0
    # the detail is what the routing table gives each to do; writes go to the leader
    assert health.nodes == (NodeStatus("core2:7687", "leader", detail="WRITE, ROUTE",
                                       current=True),
                            NodeStatus("core1:7687", "follower", detail="READ, ROUTE"),
                            NodeStatus("core3:7687", "follower", detail="READ, ROUTE"),
                            NodeStatus("replica1:7687", "read_replica", detail="READ"))
    ping, table = driver.sent
    assert (ping.query, ping.access, table.access) == (cypher.PING, "read", "read")
    assert table.parameters == {"context": {}, "database": "north"}


async def test_a_cluster_without_a_leader_is_degraded(driver, network):
    driver.answer(cypher.ROUTING_TABLE, [{"servers": [
        {"role": "READ", "addresses": ["core1:7687"]},
        {"role": "ROUTE", "addresses": ["core1:7687", "core3:7687"]}]}])

    health = await network.health()

    assert health.state is HealthState.DEGRADED and "no leader" in health.reason
    assert [n.role for n in health.nodes] == ["follower", "router"]


async def test_a_single_server_is_standalone(driver, network):
    address = ["solo:7687"]
    driver.answer(cypher.ROUTING_TABLE, [{"servers": [
        {"role": role, "addresses": address} for role in ("WRITE", "READ", "ROUTE")]}])

    assert (await network.health()).nodes == (
        NodeStatus("solo:7687", "standalone", detail="WRITE, READ, ROUTE", current=True),)


@pytest.mark.parametrize("error", [server_error("Neo.ClientError.Procedure.ProcedureNotFound"),
                                   server_error("Neo.ClientError.Security.Forbidden")])
async def test_without_the_routing_table_the_configured_servers_are_shown(driver, network, error):
    driver.answer(cypher.ROUTING_TABLE, error)

    health = await network.health()

    assert health.state is HealthState.UP
    assert health.nodes == (NodeStatus("core1:7687", "router"),)


async def test_an_unreachable_cluster_is_down_with_the_reason_and_never_raises(driver, network):
    driver.unreachable = neo.ServiceUnavailable("Unable to retrieve routing information")

    health = await network.health()

    assert health.state is HealthState.DOWN
    assert health.reason == "cannot reach core1:7687: no routing information"
    assert health.nodes == (NodeStatus("core1:7687", "router", up=False),)


async def test_prepare_reports_what_is_missing_and_creates_nothing(driver, network):
    driver.answer(cypher.SHOW_CONSTRAINTS, CONSTRAINTS_SHOWN[:1])
    driver.answer(cypher.SHOW_INDEXES, INDEXES_SHOWN[1:])

    missing = await network.prepare()

    assert missing == ["uniqueness constraint on Patient.id", "index on Clinician.region"]
    assert {s.access for s in driver.sent} == {"read"}


async def test_prepare_with_create_creates_only_what_is_missing_one_per_transaction(
        driver, network):
    driver.answer(cypher.SHOW_CONSTRAINTS, CONSTRAINTS_SHOWN[1:])
    driver.answer(cypher.SHOW_INDEXES, [])

    missing = await network.prepare(create=True)

    assert missing == ["uniqueness constraint on Clinician.id", "index on Clinician.region"]
    writes = [s for s in driver.sent if s.access == "write"]
    assert [s.query for s in writes] == [
        "CREATE CONSTRAINT ward_clinician_id IF NOT EXISTS "
        "FOR (clinician:Clinician) REQUIRE clinician.id IS UNIQUE",
        "CREATE INDEX ward_clinician_region IF NOT EXISTS "
        "FOR (clinician:Clinician) ON (clinician.region)"]
    assert len({s.transaction for s in writes}) == 2
    assert {s.database for s in writes} == {"north"}


async def test_prepare_finds_nothing_missing_whatever_the_names(driver, network):
    driver.answer(cypher.SHOW_CONSTRAINTS, CONSTRAINTS_SHOWN)
    driver.answer(cypher.SHOW_INDEXES, INDEXES_SHOWN)

    assert await network.prepare(create=True) == []
    assert [s.access for s in driver.sent] == ["read", "read"]


async def test_prepare_creates_a_missing_database_on_the_system_database_first(driver, network):
    driver.answer(cypher.SHOW_CONSTRAINTS, server_error("Neo.ClientError.Database.DatabaseNotFound"))

    missing = await network.prepare(create=True)

    assert missing == ["database north", "uniqueness constraint on Clinician.id",
                       "uniqueness constraint on Patient.id", "index on Clinician.region"]
    create = driver.sent[1]
    assert (create.query, create.parameters) == (cypher.CREATE_DATABASE, {"name": "north"})
    assert (create.database, create.access) == ("system", "write")
    assert create.session["bookmark_manager"] is None  # system bookmarks are not mixed in
    assert [s.database for s in driver.sent[2:]] == ["north"] * 3


async def test_the_default_database_missing_is_an_error_not_something_to_create(driver):
    network = Neo4jCareNetworkStore(driver, None, addresses=["core1:7687"])
    driver.answer(cypher.SHOW_CONSTRAINTS, server_error("Neo.ClientError.Database.DatabaseNotFound"))

    with pytest.raises(StoreUnavailable, match="^the server has no default database "):
        await network.prepare(create=True)
