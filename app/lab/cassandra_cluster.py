"""The lab's Cassandra cluster: nodes on 127.0.0.1, 127.0.0.2, ... in one datacenter (dc1),
started side by side and waited for together, then until every node sees every other one up.

All nodes listen on the same CQL and storage ports, each on its own loopback address (the
driver takes one port for a whole cluster); JMX ports differ, on 127.0.0.1.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from app.lab.cassandra_node import DATACENTER, CassandraNode, ring_tokens
from app.lab.fetch import JavaServer
from app.lab.ports import free_port, free_port_on, loopback_usable
from app.lab.process import ServerFailed, stop_all, wait_all

# Gossip shows each node its peers within seconds of their start; a node that answers CQL
# before it knows the others would take a keyspace of three replicas for one of one node.
RING_TIMEOUT_S = 60.0


class LoopbackMissing(Exception):
    """A node's 127.0.0.x address cannot be listened on here; the message says what to add."""


@dataclass(frozen=True)
class ClusterPorts:
    native: int
    storage: int
    jmx: tuple[int, ...]  # one per node

    @classmethod
    def free(cls, addresses: list[str]) -> ClusterPorts:
        jmx: list[int] = []
        while len(jmx) < len(addresses):
            port = free_port()
            if port not in jmx:
                jmx.append(port)
        return cls(free_port_on(addresses), free_port_on(addresses), tuple(jmx))


def node_addresses(nodes: int) -> list[str]:
    """127.0.0.1 ... 127.0.0.<nodes>, or LoopbackMissing saying which aliases to add."""
    addresses = [f"127.0.0.{i}" for i in range(1, nodes + 1)]
    missing = [address for address in addresses if not loopback_usable(address)]
    if missing:
        raise LoopbackMissing(
            f"cannot listen on {', '.join(missing)}: add loopback aliases (macOS: "
            + "; ".join(f"sudo ifconfig lo0 alias {a} up" for a in missing)
            + ") or run one node")
    return addresses


class CassandraCluster:
    """`nodes` Cassandra nodes in `folder`/cassandra-1, -2, ...; ports free ones by default."""

    def __init__(self, folder: Path, nodes: int = 3, heap_mb: int = 512,
                 ports: ClusterPorts | None = None, cluster_name: str = "ward-lab") -> None:
        addresses = node_addresses(nodes)
        self.ports = ports or ClusterPorts.free(addresses)
        tokens = ring_tokens(nodes)
        self._jars: JavaServer | None = None  # what start() was given, for restore()
        self._java = ""
        self.nodes = [
            CassandraNode(f"cassandra-{i + 1}", address, folder / f"cassandra-{i + 1}",
                          tuple(addresses), self.ports.native, self.ports.storage,
                          self.ports.jmx[i], tokens[i], cluster_name, heap_mb)
            for i, address in enumerate(addresses)]

    @property
    def datacenter(self) -> str:
        return DATACENTER

    def node(self, name: str) -> CassandraNode:
        return next(node for node in self.nodes if node.name == name)

    def url(self, keyspace: str, **options: str) -> str:
        """The station's URL of `keyspace` on this cluster (replicated to every node)."""
        hosts = ",".join(f"{node.address}:{self.ports.native}" for node in self.nodes)
        query = {"dc": DATACENTER, "replication": f"{DATACENTER}:{len(self.nodes)}", **options}
        return (f"cassandra://{hosts}/{keyspace}?"
                + "&".join(f"{key}={value}" for key, value in query.items()))

    def start(self, jars: JavaServer, java: str) -> None:
        """Start every node in the background, side by side."""
        self._jars, self._java = jars, java
        for node in self.nodes:
            node.start(jars, java)

    def wait_ready(self, timeout_s: float = 240.0) -> None:
        """Wait until every running node serves CQL and sees every other one up in its ring."""
        started = time.monotonic()
        wait_all([node.process for node in self.running()], timeout_s)
        left = max(timeout_s - (time.monotonic() - started), 0.0)
        wait_for_ring(self.nodes, min(RING_TIMEOUT_S, left) or 1.0)

    def restore(self, timeout_s: float = 240.0) -> list[str]:
        """Start again, on their folders, the nodes that do not run (killed or stopped), and
        wait until the whole cluster is back; the names of the nodes started."""
        down = [node for node in self.nodes if node not in self.running()]
        if not down:
            return []
        if self._jars is None:
            raise ServerFailed("the cluster was never started")
        for node in down:
            node.start(self._jars, self._java)
        self.wait_ready(timeout_s)
        return [node.name for node in down]

    def running(self) -> list[CassandraNode]:
        return [node for node in self.nodes if node.process and node.process.running]

    def stop(self) -> None:
        """A clean stop of every node, side by side (then a kill for those that hang)."""
        stop_all(node.process for node in self.nodes if node.process)

    def kill(self) -> None:
        for node in self.running():
            assert node.process is not None
            node.process.kill()


def wait_for_ring(nodes: list[CassandraNode], timeout_s: float) -> None:
    """Wait until each running node has every other one up and NORMAL in its ring. For a
    cluster whose nodes all run: a node refuses to say "all up" while one of its ring is down
    (cassandra_peers.py), so with a node left down this waits in vain."""
    running = [node for node in nodes if node.process and node.process.running]
    deadline = time.monotonic() + timeout_s
    while True:
        unseen = [(node.name, sorted(_peers_expected(node, running) - _peers_up(node)))
                  for node in running]
        unseen = [(name, peers) for name, peers in unseen if peers]
        if not unseen:
            return
        if time.monotonic() > deadline:
            raise ServerFailed("the Cassandra nodes did not all see each other within "
                               f"{timeout_s:.0f} s: " + "; ".join(
                                   f"{name} lacks {', '.join(peers)}" for name, peers in unseen))
        time.sleep(0.5)


def _peers_expected(node: CassandraNode, running: list[CassandraNode]) -> set[str]:
    return {other.address for other in running if other is not node}


def _peers_up(node: CassandraNode) -> set[str]:
    """The peers `node` knows as up and NORMAL (empty while it does not answer)."""
    from app.lab.cassandra_peers import peers_up

    return peers_up(node.address, node.native_port)
