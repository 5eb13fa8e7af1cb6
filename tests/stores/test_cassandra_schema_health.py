"""The Cassandra analytics store's schema check and creation, and its health from host states."""

from __future__ import annotations

import pytest
from cassandra import ConsistencyLevel, InvalidRequest, OperationTimedOut, Unauthorized
from cassandra.connection import DefaultEndPoint
from cassandra.policies import SimpleConvictionPolicy
from cassandra.pool import Host

from stores.analytics.cassandra_cluster import HostStates
from stores.analytics.cassandra_settings import CassandraSettings
from stores.analytics import cassandra_store
from stores.analytics.cassandra_store import CassandraAnalyticsStore
from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus
from stores.urls import parse_store_url
from tests.stores.cassandra_driver_fake import FakeSession

pytestmark = pytest.mark.asyncio
URL = "cassandra://c1,c2:9042/ward_analytics?dc=dc1&replication=dc1:3,dc2:2"
TABLES = ["table ward_analytics.ward_hours", "table ward_analytics.ward_occupancy",
          "table ward_analytics.ward_regions", "table ward_analytics.alarm_archive"]
FIRST_COLUMNS = ["region", "day", "hour", "ward", "writer", "alarms", "heart_rate_sum",
                 "heart_rate_count", "spo2_sum", "spo2_count"]  # ward_hours as first shipped
LATER_COLUMNS = {"bed_seconds": "double", "acknowledged": "bigint", "acknowledge_s_sum": "double"}


@pytest.fixture
def session():
    fake = FakeSession()
    yield fake
    fake.close()
    assert not fake.io.errors


def store_on(session, hosts: HostStates | None = None) -> CassandraAnalyticsStore:
    settings = CassandraSettings.from_url(parse_store_url("analytics", URL))
    return CassandraAnalyticsStore(session, settings, hosts)


def host(address: str, datacenter: str, up: bool | None) -> Host:
    """The driver's own Host record, as its cluster metadata holds it."""
    found = Host(DefaultEndPoint(address, 9042), SimpleConvictionPolicy, datacenter=datacenter)
    found.is_up = up
    return found


async def test_prepare_reports_a_missing_keyspace_and_creates_it_with_its_tables(session):
    store = store_on(session)

    missing = await store.prepare(create=True)

    assert missing == ["keyspace ward_analytics (NetworkTopologyStrategy dc1: 3, dc2: 2)", *TABLES]
    [find] = session.sent_matching("system_schema.keyspaces")
    assert (find.kind, find.values) == ("simple", ["ward_analytics"])
    created = [s.query for s in session.sent if s.query.startswith("CREATE")]
    assert created[0] == (
        "CREATE KEYSPACE IF NOT EXISTS \"ward_analytics\" WITH replication = "
        "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}")
    assert "PRIMARY KEY ((region, day), hour, ward, writer)" in created[1]
    assert all(f"{name} {kind}" in created[1] for name, kind in LATER_COLUMNS.items())
    assert "PRIMARY KEY ((region), ward)" in created[2]
    assert "PRIMARY KEY ((region, day), raised_at, id)" in created[4]
    assert len(created) == 5 and all("IF NOT EXISTS" in text for text in created)
    assert not session.sent_matching("system_schema.columns")
    assert not session.sent_matching("ALTER")


async def test_prepare_reports_only_the_tables_that_are_missing(session):
    session.answer("system_schema.keyspaces", [{"keyspace_name": "ward_analytics"}])
    session.answer("system_schema.tables", [{"table_name": "ward_hours"}])
    session.answer("system_schema.columns", [{"column_name": name} for name in
                                             FIRST_COLUMNS + list(LATER_COLUMNS)])

    assert await store_on(session).prepare() == TABLES[1:]
    assert not [s for s in session.sent if s.query.startswith("CREATE")]


async def test_a_keyspace_from_before_the_alarm_archive_gets_its_table(session):
    session.answer("system_schema.keyspaces", [{"keyspace_name": "ward_analytics"}])
    session.answer("system_schema.tables", [{"table_name": name} for name in
                                            ("ward_hours", "ward_occupancy", "ward_regions")])
    session.answer("system_schema.columns", [{"column_name": name} for name in
                                             FIRST_COLUMNS + list(LATER_COLUMNS)])

    assert await store_on(session).prepare(create=True) == ["table ward_analytics.alarm_archive"]
    assert any("alarm_archive" in s.query for s in session.sent if s.query.startswith("CREATE"))


def existing_schema(session, hour_columns: list[str]) -> None:
    """The keyspace and its four tables exist; ward_hours has these columns."""
    session.answer("system_schema.keyspaces", [{"keyspace_name": "ward_analytics"}])
    session.answer("system_schema.tables", *[[{"table_name": name}] for name in
                                             ("ward_hours", "ward_occupancy", "ward_regions",
                                              "alarm_archive")])
    session.answer("system_schema.columns", [{"column_name": name} for name in hour_columns])


async def test_nothing_is_created_when_nothing_is_missing(session):
    existing_schema(session, FIRST_COLUMNS + list(LATER_COLUMNS))

    assert await store_on(session).prepare(create=True) == []
    assert [s.query.split()[0] for s in session.sent] == ["SELECT", "SELECT", "SELECT"]
    [columns] = session.sent_matching("system_schema.columns")
    assert (columns.values, "table_name = 'ward_hours'" in columns.query) == (
        ["ward_analytics"], True)


async def test_prepare_reports_the_columns_an_older_ward_hours_lacks(session):
    existing_schema(session, FIRST_COLUMNS + ["acknowledged"])

    missing = await store_on(session).prepare()

    assert missing == ["column ward_analytics.ward_hours.bed_seconds (double)",
                       "column ward_analytics.ward_hours.acknowledge_s_sum (double)"]
    assert not session.sent_matching("ALTER")


async def test_prepare_with_create_adds_the_missing_columns_to_the_existing_table(session):
    existing_schema(session, FIRST_COLUMNS)

    missing = await store_on(session).prepare(create=True)

    assert len(missing) == 3
    altered = [s for s in session.sent if s.query.startswith("ALTER")]
    assert [s.query for s in altered] == [
        f'ALTER TABLE "ward_analytics".ward_hours ADD {name} {kind}'
        for name, kind in LATER_COLUMNS.items()]
    assert all(s.consistency_level == ConsistencyLevel.LOCAL_QUORUM for s in altered)


async def test_a_column_another_station_added_meanwhile_is_not_an_error(session):
    existing_schema(session, FIRST_COLUMNS)
    # Cassandra 4 and later, then 3.x, say so in these words.
    session.answer("ADD bed_seconds",
                   error=InvalidRequest("Column with name 'bed_seconds' already exists"))
    session.answer("ADD acknowledged ", error=InvalidRequest(
        "Invalid column name acknowledged because it conflicts with an existing column"))

    assert len(await store_on(session).prepare(create=True)) == 3
    assert len(session.sent_matching("ALTER")) == 3


async def test_a_column_that_cannot_be_added_fails_prepare(session):
    existing_schema(session, FIRST_COLUMNS)
    session.answer("ADD bed_seconds", error=Unauthorized("User ward has no ALTER permission"))

    with pytest.raises(StoreUnavailable, match="may not read or write"):
        await store_on(session).prepare(create=True)


async def test_health_is_up_with_every_host_per_datacenter(session):
    hosts = HostStates()
    hosts.seed([host("10.0.0.2", "dc1", True), host("10.0.0.1", "dc1", True),
                host("10.0.1.1", "dc2", None)])

    health = await store_on(session, hosts).health()

    assert (health.store, health.backend, health.state) == ("analytics", "cassandra",
                                                             HealthState.UP)
    assert health.nodes == (NodeStatus("10.0.0.1:9042", "dc1 up", detail="UN"),
                            NodeStatus("10.0.0.2:9042", "dc1 up", detail="UN"),
                            NodeStatus("10.0.1.1:9042", "dc2 not watched"))
    [ping] = session.sent_matching("system.local")
    assert ping.consistency_level == ConsistencyLevel.ONE


async def test_a_host_marked_down_by_the_driver_degrades_health(session):
    hosts = HostStates()
    first, second = host("10.0.0.1", "dc1", True), host("10.0.0.2", "dc1", True)
    hosts.seed([first, second])
    second.set_down()
    hosts.on_down(second)  # what the driver tells its listeners, from its own thread

    health = await store_on(session, hosts).health()

    assert health.state == HealthState.DEGRADED
    assert health.reason == "1 of 2 Cassandra nodes down"
    assert NodeStatus("10.0.0.2:9042", "dc1 down", up=False, detail="DN") in health.nodes


async def test_removed_hosts_leave_the_health(session):
    hosts = HostStates()
    gone = host("10.0.0.9", "dc1", False)
    hosts.seed([host("10.0.0.1", "dc1", True), gone])
    hosts.on_remove(gone)

    health = await store_on(session, hosts).health()

    assert (health.state, [n.address for n in health.nodes]) == (HealthState.UP,
                                                                ["10.0.0.1:9042"])


async def test_health_is_down_with_the_reason_when_the_ping_fails(session):
    session.answer("system.local", error=OperationTimedOut())

    health = await store_on(session).health()

    assert (health.state, health.reason) == (HealthState.DOWN, "Cassandra did not answer in time")


def gossip_row(address: str, load: object) -> dict:
    """A row of system_views.gossip_info as Cassandra 5 gives it (the columns read here)."""
    return {"address": address, "port": 7000, "load": load, "status_with_port": "NORMAL,-1",
            "native_address_and_port": f"{address}:9042", "dc": "dc1", "rack": "rack1"}


async def test_each_node_shows_its_load_from_gossip(session):
    hosts = HostStates()
    hosts.seed([host("10.0.0.1", "dc1", True), host("10.0.0.2", "dc1", True)])
    session.answer("gossip_info", [gossip_row("10.0.0.1", "1480000.0"),
                                   gossip_row("10.0.0.2", "812.0")])

    health = await store_on(session, hosts).health()

    assert [node.detail for node in health.nodes] == ["UN, 1.41 MiB", "UN, 812 bytes"]
    [asked] = session.sent_matching("gossip_info")
    assert asked.consistency_level == ConsistencyLevel.ONE


async def test_a_server_without_the_gossip_table_is_not_asked_again(session, monkeypatch):
    monkeypatch.setattr(cassandra_store, "LOAD_EVERY_S", 0.0)  # else asked once a while anyway
    hosts = HostStates()
    hosts.seed([host("10.0.0.1", "dc1", True)])
    session.answer("gossip_info", error=InvalidRequest("table gossip_info does not exist"))
    store = store_on(session, hosts)

    first, second = await store.health(), await store.health()

    assert (first.state, first.nodes[0].detail) == (HealthState.UP, "UN")
    assert second.state == HealthState.UP
    assert len(session.sent_matching("gossip_info")) == 1


async def test_a_load_that_does_not_come_keeps_the_last_one_and_the_health_up(session,
                                                                           monkeypatch):
    monkeypatch.setattr(cassandra_store, "LOAD_EVERY_S", 0.0)  # each check asks
    hosts = HostStates()
    hosts.seed([host("10.0.0.1", "dc1", True)])
    store = store_on(session, hosts)
    session.answer("gossip_info", [gossip_row("10.0.0.1", "2048")])
    await store.health()
    session.answer("gossip_info", error=OperationTimedOut())

    health = await store.health()

    assert (health.state, health.nodes[0].detail) == (HealthState.UP, "UN, 2 KiB")


async def test_the_load_is_asked_once_a_while_not_at_every_health_check(session):
    hosts = HostStates()
    hosts.seed([host("10.0.0.1", "dc1", True)])
    session.answer("gossip_info", [gossip_row("10.0.0.1", "2048")])
    store = store_on(session, hosts)

    checks = [await store.health() for _ in range(3)]

    assert [health.nodes[0].detail for health in checks] == ["UN, 2 KiB"] * 3
    assert len(session.sent_matching("gossip_info")) == 1
