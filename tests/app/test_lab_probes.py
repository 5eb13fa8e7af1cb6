"""What the lab asks its servers before it says it is up: a Redis replica counts once it is
linked to its master, since a master killed before that has no replica in step to promote."""

from __future__ import annotations

import pytest

from app.lab import probes
from app.lab.node import LabNode
from app.lab.ports import free_port
from tests.servers.redis import start_redis
from tests.waiting import eventually_blocking

pytestmark = pytest.mark.timeout(60)


def node(name: str, port: int, role: str, folder) -> LabNode:
    return LabNode(name, "alerts", "redis", "127.0.0.1", port, folder, [], role=role)


def test_a_replica_is_in_step_only_once_linked_to_its_master(tmp_path):
    master_port, replica_port = free_port(), free_port()
    (tmp_path / "replica").mkdir()
    (tmp_path / "master").mkdir()
    replica = start_redis(tmp_path / "replica", replica_port, None,
                          "--replicaof", "127.0.0.1", str(master_port))
    master = None
    try:
        replica_node = node("redis-2", replica_port, "replica", tmp_path / "replica")
        master_node = node("redis-1", master_port, "master", tmp_path / "master")
        # it answers, but its master is not there yet: not in step
        assert probes.answers(replica_node, {})
        assert not probes.in_step(replica_node, {})
        assert not probes.in_step(replica_node, {})  # asked again: still not
        master = start_redis(tmp_path / "master", master_port, None)
        eventually_blocking(lambda: probes.in_step(replica_node, {}), 30,
                            "the replica linked to its master")
        assert probes.in_step(master_node, {})  # a master is in step by itself
        assert probes.role_now(master_node, {}) == "master, 1 replica(s)"
    finally:
        replica.stop()
        if master is not None:
            master.stop()


def test_other_servers_and_a_silent_replica_are_told_apart(tmp_path):
    silent = node("redis-3", free_port(), "replica", tmp_path)
    assert not probes.answers(silent, {})
    assert not probes.in_step(silent, {})  # nothing answers: not in step either
    influx = LabNode("influxdb", "vitals", "influx", "127.0.0.1", free_port(), tmp_path, [])
    assert probes.in_step(influx, {})  # only a Redis replica has a master to follow
