"""The lab's launcher without Java: server processes started in the background and waited for
together (a Python stand-in serves), what it writes for Neo4j and for each Cassandra node, and
the URLs it hands out. The real servers start in tests/servers/ (neo4j.py, cassandra.py)."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest

import app.lab.cassandra_cluster
from app.lab.cassandra_cluster import CassandraCluster, LoopbackMissing, node_addresses
from app.lab.cassandra_node import ring_tokens
from app.lab.fetch import JavaServer
from app.lab.neo4j_server import Neo4jServer
from app.lab.ports import free_port, free_port_on, port_open
from app.lab.process import ServerFailed, ServerProcess, wait_all
from stores.analytics.cassandra_settings import CassandraSettings
from stores.urls import parse_store_url

# A server that prints a line, listens on argv[1] after argv[2] seconds, and runs until ended.
SERVER = """
import socket, sys, time
print("starting", flush=True)
time.sleep(float(sys.argv[2]))
listener = socket.socket()
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen()
while True:
    listener.accept()[0].close()
"""
JARS = JavaServer("cassandra", "5.0.9", Path("/opt/servers/cassandra-5.0.9"))


def stand_in(tmp_path: Path, name: str, after_s: float = 0.3, code: str = SERVER) -> ServerProcess:
    port = free_port()
    argv = [sys.executable, "-c", code, str(port), str(after_s)]
    return ServerProcess(name, argv, tmp_path / name, lambda: port_open("127.0.0.1", port))


def test_servers_started_side_by_side_are_waited_for_together_then_stopped(tmp_path):
    servers = [stand_in(tmp_path, f"node-{i}", after_s=1.0).start() for i in range(3)]
    started = time.monotonic()
    try:
        wait_all(servers, timeout_s=30)
        assert time.monotonic() - started < 2.5  # not one after another (3 s or more)
        assert all(server.rss_mb() > 1 for server in servers)
    finally:
        for server in servers:
            server.stop()
    assert not any(server.running for server in servers)
    assert "starting" in servers[0].log_path.read_text()


def test_a_server_that_exits_is_reported_with_the_end_of_its_log(tmp_path):
    server = stand_in(tmp_path, "broken", code="print('Error: bad option -Xfoo'); raise SystemExit(3)")

    with pytest.raises(ServerFailed) as failed:
        server.start().wait_ready(timeout_s=30)

    assert "broken exited with code 3" in str(failed.value)
    assert "Error: bad option -Xfoo" in str(failed.value)


def test_a_server_that_never_answers_is_named_and_killed_by_whoever_waits(tmp_path):
    server = stand_in(tmp_path, "silent", after_s=600).start()
    try:
        with pytest.raises(ServerFailed, match="silent did not answer within 1 s"):
            server.wait_ready(timeout_s=1)
    finally:
        server.kill()
    assert not server.running


def test_neo4j_listens_on_loopback_with_its_port_advertised_and_authentication_on(tmp_path):
    server = Neo4jServer(tmp_path / "neo4j", 17687, "a-long-password")
    server.start(JavaServer("neo4j", "5.26.30", tmp_path / "jars"), java="true")
    server.process.process.wait(10)

    conf = (tmp_path / "neo4j" / "conf" / "neo4j.conf").read_text().splitlines()
    assert {"server.bolt.listen_address=127.0.0.1:17687",
            "server.bolt.advertised_address=127.0.0.1:17687", "server.http.enabled=false",
            "dbms.security.auth_enabled=true"} <= set(conf)
    assert "-Xmx512m" in server.process.argv
    assert server.url == "neo4j://127.0.0.1:17687/neo4j"
    with pytest.raises(ValueError):
        Neo4jServer(tmp_path / "other", 17688, "short").start(JARS, java="true")


def test_each_cassandra_node_has_its_address_folders_token_and_jmx_port(tmp_path):
    cluster = CassandraCluster(tmp_path, nodes=3)
    cluster.start(JARS, java="true")
    second = cluster.node("cassandra-2")

    yaml = (tmp_path / "cassandra-2" / "conf" / "cassandra.yaml").read_text()
    seeds = ",".join(f"127.0.0.{i}:{cluster.ports.storage}" for i in (1, 2, 3))
    for line in ("listen_address: 127.0.0.2", "rpc_address: 127.0.0.2",
                 f"native_transport_port: {cluster.ports.native}", f'- seeds: "{seeds}"',
                 f"initial_token: '{ring_tokens(3)[1]}'", "auto_bootstrap: false",
                 f"commitlog_directory: {tmp_path / 'cassandra-2' / 'commitlog'}",
                 "endpoint_snitch: GossipingPropertyFileSnitch"):
        assert line in yaml
    rack = (tmp_path / "cassandra-2" / "conf" / "cassandra-rackdc.properties").read_text()
    assert rack == "dc=dc1\nrack=rack1\n"
    assert f"-Dcassandra.jmx.local.port={second.jmx_port}" in second.process.argv
    assert len({node.jmx_port for node in cluster.nodes}) == 3


def test_the_clusters_url_is_one_the_analytics_store_takes(tmp_path):
    cluster = CassandraCluster(tmp_path, nodes=3)

    settings = CassandraSettings.from_url(parse_store_url("analytics", cluster.url("ward")))

    assert settings.hosts == tuple((f"127.0.0.{i}", cluster.ports.native) for i in (1, 2, 3))
    assert (settings.datacenter, settings.replication) == ("dc1", (("dc1", 3),))


def test_the_ring_is_split_evenly():
    tokens = ring_tokens(3)

    assert tokens[0] == -(2**63) and tokens == sorted(tokens)
    assert {b - a for a, b in zip(tokens, tokens[1:])} == {2**64 // 3}


def test_a_port_free_on_every_address_is_free_on_each(tmp_path):
    addresses = node_addresses(3)
    port = free_port_on(addresses)

    for address in addresses:
        with socket.socket() as sock:
            sock.bind((address, port))


def test_missing_loopback_addresses_are_named_with_the_command_that_adds_them(monkeypatch):
    monkeypatch.setattr(app.lab.cassandra_cluster, "loopback_usable",
                        lambda address: address == "127.0.0.1")

    with pytest.raises(LoopbackMissing, match="cannot listen on 127.0.0.2, 127.0.0.3") as missing:
        node_addresses(3)

    assert "sudo ifconfig lo0 alias 127.0.0.2 up" in str(missing.value)
