"""Critical alarms and replicas: a critical alarm no replica confirmed counts as unconfirmed and
makes the bus DEGRADED where replicas are expected; a single Redis that never had one says in
its health that critical alarms are not replicated, and stays UP."""

from __future__ import annotations

import pytest

from stores.model import HealthState, Priority
from tests.servers import free_port
from tests.servers.redis import start_redis
from tests.servers.redis_replicas import replicated_pair  # noqa: F401
from tests.stores.redis_support import alarm, open_bus  # noqa: F401

pytestmark = pytest.mark.asyncio


@pytest.fixture
def single_redis(tmp_path):
    port = free_port()
    server = start_redis(tmp_path, port, None)
    yield f"redis://127.0.0.1:{port}/0"
    server.stop()


async def test_a_single_redis_says_critical_alarms_are_not_replicated_and_stays_up(
        single_redis, open_bus):
    bus = await open_bus(single_redis, None)
    await bus.publish(alarm("a1", priority=Priority.HIGH))

    health = await bus.health()

    assert bus.unconfirmed == []
    assert health.state is HealthState.UP
    assert "critical alarms are not replicated: this Redis has no replica" in health.reason


async def test_a_single_redis_asked_to_wait_for_a_replica_reports_the_alarm_unconfirmed(
        single_redis, open_bus):
    bus = await open_bus(single_redis + "?wait_replicas=1", None)
    assert (await bus.health()).state is HealthState.DEGRADED  # no replica, though one is wanted
    await bus.publish(alarm("a1", priority=Priority.HIGH))
    await bus.publish(alarm("a2", priority=Priority.MEDIUM))  # not critical: not waited for

    health = await bus.health()

    assert bus.unconfirmed == ["a1"]
    assert health.state is HealthState.DEGRADED
    assert "no replica confirmed the last critical alarm (no replica is connected to the " \
           "master)" in health.reason


async def test_wait_replicas_0_says_no_replica_is_wanted(single_redis, open_bus):
    bus = await open_bus(single_redis + "?wait_replicas=0", None)
    await bus.publish(alarm("a1", priority=Priority.HIGH))

    health = await bus.health()

    assert (health.state, bus.unconfirmed) == (HealthState.UP, [])
    assert "replica" not in health.reason


async def test_a_replica_that_went_away_leaves_critical_alarms_unconfirmed(
        replicated_pair, open_bus):  # noqa: F811
    bus = await open_bus(replicated_pair.url, replicated_pair.secret)
    await bus.publish(alarm("warm-up", priority=Priority.HIGH))
    assert bus.unconfirmed == []
    replicated_pair.replica.stop()

    await bus.publish(alarm("high", priority=Priority.HIGH))
    health = await bus.health()

    assert bus.unconfirmed == ["high"]
    assert health.state is HealthState.DEGRADED
    assert "no replica confirmed the last critical alarm" in health.reason
    assert "no replica is connected to the master: critical alarms are not replicated" \
        in health.reason


async def test_health_names_the_master_written_to_and_each_replicas_offset(replicated_pair,
                                                                            open_bus):
    bus = await open_bus(replicated_pair.url, replicated_pair.secret)
    await bus.publish(alarm("a1", priority=Priority.HIGH))  # confirmed: the replica has it

    health = await bus.health()

    master, replica = health.nodes
    assert (master.role, master.current) == ("master", True)
    assert master.detail.startswith("offset ")
    assert (replica.role, replica.current) == ("replica", False)
    offset = int(replica.detail.split(",")[0].removeprefix("offset "))
    assert offset > 0 and "lag " in replica.detail
    assert health.consistency[1] == "HIGH alarms wait for 1 replica(s), 500 ms at most"
