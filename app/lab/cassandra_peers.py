"""What one Cassandra node knows of its peers, asked over CQL (no JMX, no nodetool): which are in
its ring (gossip says NORMAL), whether it takes them all for up, and the hints it keeps for them.

Gossip's own view of a peer's liveness is in no table, so "all up" is asked the way a client
would find out: a read at consistency ALL coordinated by that node, which it refuses at once
(Unavailable) while it holds any replica down. system_distributed keeps three replicas, so on a
cluster of up to three nodes every node is a replica of every partition.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_IN_RING = "SELECT address, status_with_port FROM system_views.gossip_info"
_EVERY_REPLICA = ("SELECT * FROM system_distributed.repair_history "
                  "WHERE keyspace_name = 'ward_lab' AND columnfamily_name = 'probe' LIMIT 1")
_HINTS = "SELECT address, files FROM system_views.pending_hints"


def peers_up(address: str, port: int, timeout_s: float = 5.0) -> set[str]:
    """The addresses of the peers that the node at `address` has in its ring and up (every
    peer of its ring, or none); empty while it cannot be asked."""
    from cassandra import ConsistencyLevel
    from cassandra.query import SimpleStatement

    every = SimpleStatement(_EVERY_REPLICA, consistency_level=ConsistencyLevel.ALL)
    with _asking(address, port, timeout_s) as session:
        if session is None:
            return set()
        try:
            ring = {row.address for row in session.execute(_IN_RING) if row.address != address
                    and (row.status_with_port or "").startswith("NORMAL")}
            session.execute(every)
        except Exception:  # refused (a replica down) or no answer: not all up
            return set()
        return ring


def pending_hints(address: str, port: int, timeout_s: float = 5.0) -> dict[str, int]:
    """The hint files the node at `address` keeps for peers it could not write to, by the
    peer's address (hinted handoff hands them over once the peer is back)."""
    with _asking(address, port, timeout_s) as session:
        if session is None:
            raise OSError(f"Cassandra at {address}:{port} does not answer")
        return {row.address: row.files for row in session.execute(_HINTS) if row.files}


@contextmanager
def _asking(address: str, port: int, timeout_s: float) -> Iterator[Any]:
    """A driver session whose every request the node at `address` coordinates, or None."""
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import WhiteListRoundRobinPolicy

    only_this = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([address]),
                                 request_timeout=timeout_s)
    cluster = Cluster([address], port=port, connect_timeout=timeout_s, protocol_version=5,
                      execution_profiles={EXEC_PROFILE_DEFAULT: only_this})
    try:
        try:
            session = cluster.connect()
        except Exception:
            session = None
        yield session
    finally:
        cluster.shutdown()
