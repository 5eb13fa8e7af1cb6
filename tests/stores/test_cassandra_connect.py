"""Opening the Cassandra analytics store with its servers away: the real driver against a port
nobody listens on and a server that never answers; retries and closing against a fake Cluster."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import SimpleNamespace

import pytest
from cassandra.cluster import NoHostAvailable
from cassandra.connection import DefaultEndPoint
from cassandra.policies import SimpleConvictionPolicy
from cassandra.pool import Host

from stores.analytics.cassandra import CassandraAnalytics, open_store
from stores.analytics.cassandra_connect import Connector
from stores.analytics.cassandra_settings import CassandraSettings
from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus, WardHour
from stores.urls import parse_store_url
from tests.servers import free_port
from tests.stores.cassandra_driver_fake import FakeSession
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio
REFUSED = NoHostAvailable("Unable to connect to any servers",
                          {"c1:9042": ConnectionRefusedError(111, "Connection refused")})


def url(hosts: str, options: str = ""):
    return parse_store_url("analytics", f"cassandra://{hosts}/ward_analytics?dc=dc1{options}")


class FakeCluster:
    """The part of cassandra.cluster.Cluster that the connector uses."""

    def __init__(self, session: FakeSession, gate: threading.Event | None = None) -> None:
        self.session = session
        self.gate = gate
        self.listeners: list = []
        self.shutdown_threads: list[str] = []
        self.connecting = False
        host = Host(DefaultEndPoint("10.0.0.1", 9042), SimpleConvictionPolicy, datacenter="dc1")
        host.set_up()
        self.metadata = SimpleNamespace(all_hosts=lambda: [host])

    def register_listener(self, listener) -> None:
        self.listeners.append(listener)

    def connect(self) -> FakeSession:
        self.connecting = True
        if self.gate is not None:
            self.gate.wait(5)
        return self.session

    def shutdown(self) -> None:
        self.shutdown_threads.append(threading.current_thread().name)


@pytest.fixture
def session():
    fake = FakeSession()
    yield fake
    fake.close()


async def test_the_store_opens_at_once_and_says_why_it_cannot_reach_the_servers():
    port = free_port()  # nobody listens there
    started = time.monotonic()
    store = await open_store(url(f"127.0.0.1:{port}"), "secret")
    assert time.monotonic() - started < 0.5

    with pytest.raises(StoreUnavailable) as raised:
        await store.hours("north", 0.0, 3600.0)
    health = await store.health()
    await store.add_hours([])  # nothing to write needs no server

    assert raised.value.reason == f"cannot reach 127.0.0.1:{port}: connection refused"
    assert (health.state, health.reason) == (HealthState.DOWN, raised.value.reason)
    assert health.nodes == (NodeStatus(f"127.0.0.1:{port}", "not connected", up=False),)
    await store.close()
    await store.close()


async def test_unknown_host_names_are_reported_as_such():
    store = await open_store(url("no-such-host.invalid,other.invalid"), None)

    with pytest.raises(StoreUnavailable) as raised:
        await store.occupancy()
    await store.close()

    assert raised.value.reason == ("cannot reach no-such-host.invalid:9042, other.invalid:9042: "
                                   "unknown host name")


async def test_a_server_that_never_answers_blocks_neither_the_loop_nor_a_call_for_long():
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        store = await open_store(url(f"127.0.0.1:{silent.getsockname()[1]}", "&timeout=0.5"),
                                 None)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="cannot reach 127.0.0.1"):
            await store.occupancy()
        waited = time.monotonic() - started
        ticker.cancel()
        await store.close()

    assert waited < 1.0
    assert ticks > 0.5 * waited / 0.01  # the loop kept turning while the driver connected


async def test_the_connector_retries_until_the_cluster_answers(session):
    cluster = FakeCluster(session)
    attempts = [REFUSED, cluster]

    def build(settings, secret):
        attempt = attempts.pop(0)
        if isinstance(attempt, Exception):
            raise attempt
        return attempt

    settings = CassandraSettings.from_url(url("c1,c2:9042"))
    connector = Connector(settings, "secret", build=build, retry_s=(0.05, 0.05))
    connector.start()

    with pytest.raises(StoreUnavailable) as raised:
        await connector.session()
    assert raised.value.reason == "cannot reach c1:9042, c2:9042: connection refused"
    await eventually(lambda: connector.connected, 5, "the connector's next attempt")

    assert await connector.session() is session
    assert cluster.listeners == [connector.hosts]
    assert connector.hosts.nodes() == (NodeStatus("10.0.0.1:9042", "dc1 up", detail="UN"),)
    await connector.close()
    await connector.close()
    assert len(cluster.shutdown_threads) == 1
    assert cluster.shutdown_threads[0] != threading.current_thread().name
    with pytest.raises(StoreUnavailable, match="closed"):
        await connector.session()


async def test_a_cluster_that_connects_after_close_is_shut_down(session):
    gate = threading.Event()
    cluster = FakeCluster(session, gate)
    settings = CassandraSettings.from_url(url("c1", "&timeout=0.1"))
    connector = Connector(settings, None, build=lambda settings, secret: cluster)
    connector.start()
    await eventually(lambda: cluster.connecting, 5, "the attempt under way in its thread")

    await connector.close()
    gate.set()  # the attempt in its thread connects only now
    await eventually(lambda: cluster.shutdown_threads, 5, "the late cluster shut down")
    assert len(cluster.shutdown_threads) == 1


async def test_the_store_works_once_connected(session):
    settings = CassandraSettings.from_url(url("c1"))
    connector = Connector(settings, None, build=lambda settings, secret: FakeCluster(session))
    connector.start()
    store = CassandraAnalytics(settings, connector)

    await store.add_hours([WardHour("north", "north-1", 0.0, alarms=1)])
    health = await store.health()

    assert await store.occupancy() == []
    assert health.state == HealthState.UP
    assert health.nodes == (NodeStatus("10.0.0.1:9042", "dc1 up", detail="UN"),)
    assert len(session.sent_matching("INSERT INTO")) == 1
    await store.close()
