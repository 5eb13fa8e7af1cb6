"""The lab's Java servers, Neo4j and a three-node Cassandra cluster, from the jars `lab fetch`
puts in the cache folder (fetched first when Java 17 and Maven are here and they are not); on a
machine without Java they are left out, with a line saying what to install."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from app.lab.cassandra_cluster import CassandraCluster, LoopbackMissing
from app.lab.fetch import SERVERS, FetchError, fetch, server
from app.lab.java import ToolMissing, java17
from app.lab.neo4j_server import Neo4jServer
from app.lab.node import LabNode
from app.lab.ports import free_port
from app.lab.process import ServerProcess
from app.lab.state import new_secret

NEO4J_SECRET = "WARD_STATION_NETWORK_PASSWORD"
KEYSPACE = "ward_analytics"
READY_S = 240.0  # three JVMs on two cores: about 30 s here


@dataclass
class JavaServers:
    neo4j: Neo4jServer | None = None
    cassandra: CassandraCluster | None = None
    nodes: list[LabNode] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def wait_ready(self) -> None:
        """Neo4j answering with its password set, every Cassandra node seeing the others."""
        if self.neo4j is not None:
            self.neo4j.wait_ready(READY_S)
        if self.cassandra is not None:
            self.cassandra.wait_ready(READY_S)


def start_java_servers(folder: Path, say: Callable[[str], None]) -> tuple[JavaServers, str | None]:
    """Start Neo4j and Cassandra in the background (not waiting), or none and the reason; on
    a system where only 127.0.0.1 can be listened on, one Cassandra node, said."""
    try:
        java = java17()
        jars = {name: server(name) for name in SERVERS}
        if not all(found.fetched for found in jars.values()):  # Maven only when it must fetch
            jars = {found.name: found for found in fetch(say=say)}
    except (ToolMissing, FetchError) as exc:
        return JavaServers(), f"Neo4j and Cassandra: skipped ({exc})"
    note = None
    try:
        cluster = CassandraCluster(folder)
    except LoopbackMissing as exc:
        cluster = CassandraCluster(folder, nodes=1)
        note = f"Cassandra: one node, no replica to lose ({exc})"
    servers = JavaServers(secrets={NEO4J_SECRET: new_secret()})
    servers.neo4j = Neo4jServer(folder / "neo4j", free_port(), servers.secrets[NEO4J_SECRET])
    servers.nodes.append(_recorded(servers.neo4j.start(jars["neo4j"], java), "network",
                                   "neo4j", servers.neo4j.address, servers.neo4j.bolt_port,
                                   "one server"))
    servers.urls["network"] = servers.neo4j.url + "?insecure=true"  # a password, in plain
    servers.cassandra = cluster
    cluster.start(jars["cassandra"], java)
    for node in cluster.nodes:
        assert node.process is not None
        servers.nodes.append(_recorded(node.process, "analytics", "cassandra", node.address,
                                       node.native_port, f"node, {cluster.datacenter}"))
    servers.urls["analytics"] = cluster.url(KEYSPACE)
    return servers, note


def _recorded(process: ServerProcess, store: str, kind: str, address: str, port: int,
              role: str) -> LabNode:
    """The lab's record of a server its launcher started, to act on it by name later."""
    node = LabNode(process.name, store, kind, address, port, process.folder, process.argv,
                   env=process.env, role=role, pid=process.pid)
    try:
        node.started = psutil.Process(process.pid).create_time()
    except psutil.Error:
        node.started = None  # it ended at once: waiting for it says why
    return node
