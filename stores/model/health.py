"""How a store is doing: its state, its nodes."""

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
