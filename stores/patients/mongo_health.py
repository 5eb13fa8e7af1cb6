"""Health of the MongoDB patient store: round trip of a ping and the servers as the driver sees
them (replica-set members and which is primary)."""

from __future__ import annotations

import time

from pymongo.server_description import ServerDescription

from stores.model import HealthState, NodeStatus, StoreHealth
from stores.patients.mongo_client import Client, address_text
from stores.urls import StoreUrl

BACKEND = "mongodb"
CONSISTENCY = ("writes: majority, journaled", "reads: majority")
_ROLES = {
    "RSPrimary": "primary",
    "RSSecondary": "secondary",
    "RSArbiter": "arbiter",
    "RSOther": "member (hidden or delayed)",
    "RSGhost": "member (starting)",
    "Standalone": "standalone",
    "Mongos": "mongos",
    "LoadBalancer": "load balancer",
}


def nodes(client: Client, url: StoreUrl) -> tuple[NodeStatus, ...]:
    """Every server the driver knows of; one it cannot reach is "unknown" and down. Writes
    go to the primary (or the one standalone server); a secondary's detail is how far its last
    write lies behind the primary's."""
    servers = sorted(client.topology_description.server_descriptions().values(),
                     key=lambda sd: sd.address)
    primary = next((sd for sd in servers if sd.server_type_name in _WRITTEN), None)
    found = tuple(
        NodeStatus(address_text(*sd.address), _ROLES.get(sd.server_type_name, "unknown"),
                   up=sd.server_type_name in _ROLES, detail=_lag(sd, primary),
                   current=sd is primary)
        for sd in servers
    )
    # A replica set that answers under another name leaves no servers: show the configured ones.
    return found or tuple(NodeStatus(address, "unknown", up=False) for address in url.addresses)


_WRITTEN = ("RSPrimary", "Standalone", "Mongos", "LoadBalancer")


def _lag(server: ServerDescription, primary: ServerDescription | None) -> str:
    """A secondary's replication lag, from the last write each one reported to the driver."""
    if primary is None or server.server_type_name != "RSSecondary":
        return ""
    ours, theirs = server.last_write_date, primary.last_write_date
    if ours is None or theirs is None:
        return ""
    return f"lag {max(0.0, theirs - ours):.1f} s"  # seconds since the epoch, both


def health_down(client: Client, url: StoreUrl, reason: str) -> StoreHealth:
    return StoreHealth("patients", BACKEND, HealthState.DOWN, reason=reason,
                       nodes=nodes(client, url), consistency=CONSISTENCY)


def health_up(client: Client, url: StoreUrl, started: float,
              transactions: bool) -> StoreHealth:
    """UP, or DEGRADED while a known server is down (a replica set still serving)."""
    latency_ms = (time.perf_counter() - started) * 1000.0
    servers = nodes(client, url)
    down = [n.address for n in servers if not n.up]
    reasons = [f"not reachable: {', '.join(down)}"] if down else []
    if not transactions:
        reasons.append("standalone server: a change and its audit entry are written one after "
                       "the other, not in one transaction")
    state = HealthState.DEGRADED if down else HealthState.UP
    return StoreHealth("patients", BACKEND, state, latency_ms=latency_ms,
                       reason="; ".join(reasons), nodes=servers, consistency=CONSISTENCY)

