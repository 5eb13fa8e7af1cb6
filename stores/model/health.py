"""How a store is doing: its state, its nodes, and the cache in front of it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class HealthState(str, enum.Enum):
    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"


@dataclass(frozen=True)
class NodeStatus:
    """One server of a store as its driver sees it: "primary", "replica", "leader", "up"..."""

    address: str
    role: str
    up: bool = True
    # what a trainer points at, as the server reports it: replication offset or lag, the
    # routing table's roles, whom a Sentinel thinks is master ("" when there is nothing)
    detail: str = ""
    current: bool = False  # this station's writes go to this node now


@dataclass(frozen=True)
class CacheHealth:
    """The Redis cache in front of a store, as this station uses it (`stores.cache`)."""

    in_use: bool  # False: every read goes to the store (Redis away, or catching up)
    reads: int = 0  # reads asked of the store since the station started
    hits: int = 0  # of them, answered from the cache
    ttl_s: float = 0.0
    reason: str = ""  # why it is not in use, or what it refused lately

    @property
    def hit_ratio(self) -> float | None:
        return self.hits / self.reads if self.reads else None


@dataclass(frozen=True)
class ServerEvent:
    """Something a store's servers announced themselves (a Sentinel's `+switch-master`, a
    MongoDB election), as the store heard it: for the cluster view's timeline."""

    at: float  # wall-clock time the store heard it
    source: str  # the server that said it ("127.0.0.1:26379")
    text: str  # what it said, for people ("+switch-master ward-alerts 127.0.0.1 6380 ...")
    bad: bool = False  # a loss (a node down) rather than a recovery or a move


@dataclass(frozen=True)
class StoreHealth:
    store: str  # "vitals", "patients", "network", "analytics", "alerts"
    backend: str  # "embedded", "influxdb", ...
    state: HealthState
    latency_ms: float | None = None
    reason: str = ""
    nodes: tuple[NodeStatus, ...] = field(default=())
    # short words the status bar shows beside the state, for what is wrong by configuration
    # rather than by outage ("unsigned": alarms anyone with the password could forge)
    flags: tuple[str, ...] = field(default=())
    cache: CacheHealth | None = None  # where a Redis cache answers the store's reads
    # the consistency this station uses, in words ("writes: majority", "reads: LOCAL_ONE")
    consistency: tuple[str, ...] = field(default=())
    # what the servers announced lately (the last few minutes, oldest first, bounded): the
    # same event is given again at every check until it ages out, so a reader keeps its own
    # record of which it has seen (by at, source and text)
    events: tuple[ServerEvent, ...] = field(default=())
