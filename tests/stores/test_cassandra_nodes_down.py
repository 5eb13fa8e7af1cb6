"""The analytics store on the lab's real three-node Cassandra (tests/servers/cassandra.py) while
nodes are killed (SIGKILL), in a keyspace of three replicas written and read at LOCAL_QUORUM (two
of three). One node down: writes and reads go on, and the node gets what it missed once it is
back, from the hints the others kept for it (hinted handoff). Two down: both fail with the
coordinator's reason, and the rollups wait in the outbox until the nodes are back.

Each test starts the nodes it killed again (the `cluster` fixture), for the tests after it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal

import pytest
import pytest_asyncio

from app.lab.cassandra_peers import pending_hints
from stores import STORE_NAMES, StoreConfig, open_stores
from stores.errors import StoreUnavailable
from stores.model import HealthState
from tests.servers.java_servers import START_TIMEOUT_S
from tests.stores.test_analytics_contract import DAY, H, hour
from tests.stores.test_outbox_servers import delivered
from tests.waiting import eventually, eventually_blocking

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(START_TIMEOUT_S)]


@pytest.fixture
def cluster(cassandra_cluster):
    yield cassandra_cluster
    cassandra_cluster.restore()  # what a test killed, started again on its data


@pytest_asyncio.fixture
async def analytics(cluster, cassandra_lab_keyspace, tmp_path):
    """The station's analytics store (behind its outbox) on the emptied test keyspace."""
    urls = dict.fromkeys(STORE_NAMES, "embedded")
    urls["analytics"] = cassandra_lab_keyspace.fresh_url("nodes_down")  # LOCAL_QUORUM both ways
    stores = await open_stores(StoreConfig(data_dir=tmp_path / "station", urls=urls))
    await stores.analytics.prepare(create=True)
    yield stores.analytics
    await stores.close()


async def degraded(analytics):
    health = await analytics.health()
    return health if health.state is HealthState.DEGRADED else None


def hints_for(cluster, address: str) -> int:
    """The hint files the other running nodes keep for the node at `address`."""
    return sum(pending_hints(node.address, node.native_port).get(address, 0)
               for node in cluster.running() if node.address != address)


async def test_one_node_down_writes_and_reads_go_on_and_it_gets_the_hints_back(cluster, analytics):
    await analytics.add_hours([hour(0, alarms=1)])
    third = cluster.node("cassandra-3")
    third.process.kill()

    for n in (1, 2, 3):
        await analytics.add_hours([hour(n, alarms=1)])
    found = await analytics.hours("north", DAY, DAY + 4 * H)

    assert found == [hour(n, alarms=1) for n in range(4)]
    assert await analytics.courier.counts() == (0, 0)  # every write reached two replicas
    health = await eventually(lambda: degraded(analytics), 30, "the driver seeing a node down")
    assert health.reason == "1 of 3 Cassandra nodes down"
    await asyncio.to_thread(eventually_blocking, lambda: hints_for(cluster, third.address), 20,
                            "the other nodes keeping hints for cassandra-3")

    assert await asyncio.to_thread(cluster.restore) == ["cassandra-3"]

    await asyncio.to_thread(eventually_blocking, lambda: hints_for(cluster, third.address) == 0,
                            60, "the hints handed over to cassandra-3")


async def test_two_nodes_down_fail_saying_why_and_the_outbox_keeps_the_rollups(
        cluster, analytics, caplog):
    await analytics.add_hours([hour(0, alarms=1)])
    for name in ("cassandra-2", "cassandra-3"):
        cluster.node(name).process.kill()

    with caplog.at_level(logging.WARNING, logger="stores.outbox"):
        await analytics.add_hours([hour(1, alarms=2)])
    with pytest.raises(StoreUnavailable) as refused:
        await analytics.hours("north", DAY, DAY + 2 * H)

    # before the coordinator takes the nodes for dead, it waits for them in vain ("did not
    # confirm ... in time at LOCAL_QUORUM (1 of 2 answered)"); after, it refuses at once
    # ("too few Cassandra replicas are up for LOCAL_QUORUM (1 up, 2 needed)")
    assert "LOCAL_QUORUM (1 " in refused.value.reason
    assert "LOCAL_QUORUM (1 " in caplog.text and "keeping the write in the outbox" in caplog.text
    assert "1 write(s) waiting in the outbox" in (await analytics.health()).reason

    assert await asyncio.to_thread(cluster.restore) == ["cassandra-2", "cassandra-3"]

    await delivered(analytics, timeout=30)
    assert await analytics.hours("north", DAY, DAY + 2 * H) == [hour(0, alarms=1),
                                                                 hour(1, alarms=2)]


async def test_health_names_every_node_of_the_ring(analytics):
    health = await analytics.health()

    assert health.state is HealthState.UP
    assert [node.address.rsplit(":", 1)[0] for node in health.nodes] == [
        "127.0.0.1", "127.0.0.2", "127.0.0.3"]


async def test_health_gives_each_nodes_load_as_its_gossip_says(analytics):
    async def every_load():
        health = await analytics.health()
        said = [node.detail for node in health.nodes]
        return said if all(re.match(r"UN, [0-9.]+ (bytes|KiB|MiB)(, |$)", s) for s in said) else None

    # each node gossips its load a few seconds after it starts, then every minute
    said = await eventually(every_load, 90, "every node's load in the health")

    assert len(said) == 3


async def test_a_frozen_node_is_marked_down_within_seconds_and_the_others_serve(cluster,
                                                                                analytics):
    """A node that hangs (SIGSTOP: it holds its port and answers nothing) is noticed by the
    driver's heartbeat within seconds (`HEARTBEAT_S`), not the driver's default minute, and
    the writes it would have coordinated go to the others (or wait in the outbox)."""
    await eventually(lambda: _up(analytics), 60, "every node up (a test before restored one)")
    await analytics.add_hours([hour(0, alarms=1)])
    frozen = cluster.node("cassandra-2").process
    os.kill(frozen.pid, signal.SIGSTOP)
    try:
        health = await eventually(lambda: degraded(analytics), 20,
                                  "the driver marking the frozen node down")
        assert health.reason == "1 of 3 Cassandra nodes down"
        for n in (1, 2, 3):
            await analytics.add_hours([hour(n, alarms=1)])
        await delivered(analytics, 30)
        expected = [hour(n, alarms=1) for n in range(4)]

        async def read_back() -> bool:
            return await analytics.hours("north", DAY, DAY + 4 * H) == expected

        # a node restored by a test before may not be back in the coordinator's gossip yet:
        # LOCAL_QUORUM needs it, the frozen one being out
        await eventually(read_back, 30, "the rollups read back", ignoring=(StoreUnavailable,))
    finally:
        os.kill(frozen.pid, signal.SIGCONT)
    await eventually(lambda: _up(analytics), 60, "the node back up")


async def _up(analytics) -> bool:
    return (await analytics.health()).state is HealthState.UP


async def test_with_a_node_down_reads_at_all_fail_saying_why_and_reads_at_one_go_on(
        cluster, analytics):
    """The trainer's switch (`apply_teaching_setting`): what a class is shown."""
    await analytics.add_hours([hour(0, alarms=1)])
    cluster.node("cassandra-3").process.kill()

    await analytics.apply_teaching_setting("read_consistency", "ALL")
    with pytest.raises(StoreUnavailable) as refused:
        await analytics.hours("north", DAY, DAY + H)
    # before the coordinator takes the node for dead: "did not confirm the read in time at ALL
    # (2 of 3 answered)"; after: "too few Cassandra replicas are up for ALL (2 up, 3 needed)"
    assert "ALL (2 " in refused.value.reason, refused.value.reason

    await analytics.apply_teaching_setting("read_consistency", "ONE")
    assert await analytics.hours("north", DAY, DAY + H) == [hour(0, alarms=1)]
    assert "reads: ONE" in (await analytics.health()).consistency
