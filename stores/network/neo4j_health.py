"""Health of the Neo4j care network: the round trip of a trivial read, and the cluster's
members with their roles from the routing table the server hands to drivers.

The driver keeps its own routing table private, so we ask the server for the same table
(`dbms.routing.getRoutingTable`, served by standalone servers and clusters, Community and
Enterprise alike). Roles: WRITE -> leader; READ and ROUTE -> follower; READ only ->
read_replica (secondaries do not route); ROUTE only -> router; one server with every role ->
standalone. A server that does not serve the procedure gets the configured addresses.
"""

from __future__ import annotations

import time
from typing import Any

from neo4j.exceptions import Neo4jError

from stores.errors import StoreError
from stores.model import HealthState, NodeStatus, StoreHealth
from stores.network.neo4j_cypher import PING, ROUTING_TABLE
from stores.network.neo4j_session import Neo4jSessions, rows

BACKEND = "neo4j"
CONSISTENCY = ("writes: the leader", "reads: any member, after this station's writes",
               "(bookmarks)")
_ORDER = {"standalone": 0, "leader": 0, "follower": 1, "read_replica": 2, "router": 3}


async def check_health(sessions: Neo4jSessions, seed_role: str) -> StoreHealth:
    """Never raises: DOWN with the reason when the trivial read fails."""
    seeds = [NodeStatus(address, seed_role) for address in sessions.addresses]
    started = time.perf_counter()
    try:
        await sessions.read(lambda tx: rows(tx, PING))
        latency_ms = (time.perf_counter() - started) * 1000.0
        servers = await _routing_table(sessions)
    except StoreError as exc:
        down = tuple(NodeStatus(n.address, n.role, up=False) for n in seeds)
        return StoreHealth("network", BACKEND, HealthState.DOWN, reason=_reason(exc), nodes=down,
                           consistency=CONSISTENCY)
    except Exception as exc:  # health never raises; say what went wrong without driver objects
        return StoreHealth("network", BACKEND, HealthState.DOWN,
                           reason=f"health check failed ({type(exc).__name__})")
    nodes = cluster_nodes(servers) if servers is not None else tuple(seeds)
    if servers is not None and not any(n.role in ("leader", "standalone") for n in nodes):
        return StoreHealth("network", BACKEND, HealthState.DEGRADED, latency_ms,
                           "no leader: changes wait until the cluster elects one", nodes,
                           consistency=CONSISTENCY)
    return StoreHealth("network", BACKEND, HealthState.UP, latency_ms, nodes=nodes,
                       consistency=CONSISTENCY)


async def _routing_table(sessions: Neo4jSessions) -> list[dict[str, Any]] | None:
    """The servers of the routing table, or None when the server does not serve it."""
    params: dict[str, Any] = {"context": {}, "database": sessions.database}
    try:
        found = await sessions.read(lambda tx: rows(tx, ROUTING_TABLE, **params))
    except (Neo4jError, StoreError):  # no such procedure, or not allowed: not a health problem
        return None
    return found[0]["servers"] if found else None


def cluster_nodes(servers: list[dict[str, Any]]) -> tuple[NodeStatus, ...]:
    """One NodeStatus per address of a routing table, leader first; its detail is what the
    table gives it to do (WRITE, READ, ROUTE), and writes go to the one that may write."""
    roles: dict[str, set[str]] = {}
    for server in servers:
        for address in server.get("addresses", ()):
            roles.setdefault(address, set()).add(server.get("role", ""))
    named = {address: _role(held, len(roles)) for address, held in roles.items()}
    return tuple(NodeStatus(address, role, detail=_roles_text(roles[address]),
                            current="WRITE" in roles[address])
                 for address, role in
                 sorted(named.items(), key=lambda item: (_ORDER[item[1]], item[0])))


def _roles_text(held: set[str]) -> str:
    return ", ".join(role for role in ("WRITE", "READ", "ROUTE") if role in held)


def _role(held: set[str], servers: int) -> str:
    if "WRITE" in held:
        return "standalone" if servers == 1 else "leader"
    if "READ" in held:
        return "follower" if "ROUTE" in held else "read_replica"
    return "router"


def _reason(exc: StoreError) -> str:
    return getattr(exc, "reason", None) or str(exc)
