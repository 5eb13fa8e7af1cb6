"""The Neo4j care network when things go wrong: each driver error mapped to a store error with a
reason for people, calls bounded in time, close, and the real driver against dead ports."""

from __future__ import annotations

import socket
import time

import pytest
from neo4j import exceptions as neo

from stores.errors import StoreUnavailable, ValidationError
from stores.model import CareLink, CareLinkKind, HealthState
from stores.network import neo4j_cypher as cypher
from stores.network.neo4j import Neo4jCareNetworkStore, open_store
from stores.urls import parse_store_url
from tests.servers import free_port
from tests.stores.neo4j_fake import FakeNeo4jDriver

pytestmark = pytest.mark.asyncio
SECRET = "s3cret-Pa55"


def server_error(code: str, message: str = "refused") -> neo.Neo4jError:
    """An error as the driver builds it from a server's FAILURE message."""
    return neo.Neo4jError._hydrate_neo4j(code=code, message=message)


def refused(host: str = "n1:7687") -> neo.ServiceUnavailable:
    """What the driver raises for a routing URL whose routers all refuse the connection."""
    inner = neo.ServiceUnavailable(f"Couldn't connect to {host}")
    inner.__cause__ = ConnectionRefusedError(111, "Connect call failed")
    outer = neo.ServiceUnavailable("Unable to retrieve routing information")
    outer.__cause__ = ExceptionGroup("All routing table requests failed", [inner])
    return outer


def with_cause(error: Exception, cause: BaseException) -> Exception:
    error.__cause__ = cause
    return error


@pytest.fixture
def driver() -> FakeNeo4jDriver:
    return FakeNeo4jDriver()


@pytest.fixture
def network(driver) -> Neo4jCareNetworkStore:
    return Neo4jCareNetworkStore(driver, "north", addresses=["n1:7687", "n2:7687"], timeout_s=0.5)


@pytest.mark.parametrize(("error", "reason"), [
    (refused(), "cannot reach n1:7687, n2:7687: connection refused"),
    (with_cause(neo.ServiceUnavailable("Failed to DNS resolve address n1:7687"),
                socket.gaierror(-2, "Name or service not known")),
     "cannot reach n1:7687, n2:7687: host name not found"),
    (with_cause(neo.ServiceUnavailable("Timed out trying to establish connection"),
                TimeoutError()), "cannot reach n1:7687, n2:7687: timed out"),
    (neo.SessionExpired("Failed to read from defunct connection"),
     "cannot reach n1:7687, n2:7687: connection lost"),
    (neo.WriteServiceUnavailable("No write service available"),
     "cannot reach n1:7687, n2:7687: no answer"),
    (neo.ConnectionAcquisitionTimeoutError("failed to obtain a connection from the pool"),
     "cannot reach n1:7687, n2:7687: no answer"),
    (server_error("Neo.ClientError.Security.Unauthorized", f"bad password {SECRET}"),
     "authentication failed"),
    (server_error("Neo.ClientError.Security.Forbidden"),
     "not allowed: the Neo4j user lacks a privilege for this"),
    (server_error("Neo.ClientError.Database.DatabaseNotFound"),
     "the server has no database north (`ward-station check --init` creates it)"),
    (server_error("Neo.TransientError.General.DatabaseUnavailable"),
     "the database north is unavailable on the server"),
    (server_error("Neo.TransientError.Transaction.DeadlockDetected"),
     "the cluster could not serve the call now (Neo.TransientError.Transaction.DeadlockDetected)"),
    (server_error("Neo.DatabaseError.General.UnknownError"),
     "the server failed (Neo.DatabaseError.General.UnknownError)"),
    (neo.IncompleteCommit("connection lost during commit"),
     "lost n1:7687, n2:7687 while saving; the change may not be saved"),
])
async def test_driver_errors_become_store_unavailable_with_a_reason_for_people(
        driver, network, error, reason):
    driver.unreachable = error

    with pytest.raises(StoreUnavailable) as failed:
        await network.clinicians("north")

    assert failed.value.reason == reason
    assert SECRET not in str(failed.value)


async def test_errors_from_a_query_are_mapped_too(driver, network):
    driver.answer(cypher.CLINICIANS, server_error("Neo.ClientError.Security.Unauthorized"))

    with pytest.raises(StoreUnavailable, match="^authentication failed$"):
        await network.clinicians("north")


async def test_a_constraint_violation_is_a_validation_error_on_the_id(driver, network):
    driver.answer(cypher.PUT_PATIENT,
                  server_error("Neo.ClientError.Schema.ConstraintValidationFailed",
                               "Node(1) already exists with label `Patient` and property `id`"))

    with pytest.raises(ValidationError) as refused_:
        await network.put_patient("p1", "Ada")

    assert refused_.value.field == "id"


async def test_our_own_mistakes_surface_as_they_are(driver, network):
    driver.answer(cypher.CARE_TEAM, server_error("Neo.ClientError.Statement.SyntaxError"))

    with pytest.raises(neo.CypherSyntaxError):
        await network.care_team("p1")


async def test_validation_inside_a_transaction_is_not_mistaken_for_a_driver_error(driver, network):
    driver.answer(cypher.LINK_ENDS, [{"source_kind": None, "target_kind": "patient"}])

    with pytest.raises(ValidationError):
        await network.link(CareLink("d-x", "p1", CareLinkKind.TREATS))


async def test_a_silent_server_fails_the_call_within_its_time_limit(driver, network):
    driver.stall_s = 30.0
    started = time.monotonic()

    with pytest.raises(StoreUnavailable) as failed:
        await network.care_team("p1")

    assert time.monotonic() - started < 2.0
    assert failed.value.reason == "cannot reach n1:7687, n2:7687: no answer within 0.5 s"


async def test_close_closes_the_driver_once_and_later_calls_say_closed(driver, network):
    await network.close()
    await network.close()

    assert driver.closed == 1
    with pytest.raises(StoreUnavailable, match="^closed$"):
        await network.put_patient("p1", "Ada")
    assert driver.sent == []
    assert (await network.health()).state is HealthState.DOWN


async def test_the_real_driver_connects_lazily_and_a_refused_port_fails_promptly():
    port = free_port()  # nothing listens there
    url = parse_store_url("network", f"neo4j://127.0.0.1:{port}/ward?timeout=2")
    started = time.monotonic()
    network = await open_store(url, SECRET)
    try:
        assert time.monotonic() - started < 0.5  # no connection attempt on open

        with pytest.raises(StoreUnavailable) as failed:
            await network.clinicians("north")
        health = await network.health()
    finally:
        await network.close()

    assert failed.value.reason == f"cannot reach 127.0.0.1:{port}: connection refused"
    assert time.monotonic() - started < 5.0
    assert (health.state, health.reason) == (HealthState.DOWN, failed.value.reason)
    assert [(n.address, n.role, n.up) for n in health.nodes] == [
        (f"127.0.0.1:{port}", "router", False)]


async def test_the_real_driver_gives_up_on_a_server_that_accepts_but_never_answers():
    with socket.socket() as listener:  # accepts connections (the backlog) and says nothing
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        network = await open_store(
            parse_store_url("network", f"bolt://127.0.0.1:{port}?timeout=1"), None)
        started = time.monotonic()
        try:
            with pytest.raises(StoreUnavailable) as failed:
                await network.put_patient("p1", "Ada")
        finally:
            await network.close()

    assert time.monotonic() - started < 3.0
    assert failed.value.reason.startswith(f"cannot reach 127.0.0.1:{port}: ")
