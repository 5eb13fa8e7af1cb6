"""What the cluster view shows, without Qt: every store as a group of nodes, each node's state
as the servers (and, on a lab, its processes) say it, and the node this station writes to.

A node's state is one of four words a class can read from the back of the room:
- "up": it answers;
- "down": it does not (connection refused, or its process is gone);
- "frozen": its process is stopped (the lab's `freeze`): it holds its port but answers nothing;
- "starting": its process runs but it does not answer yet (started, or restored, moments ago).
Only a lab knows a node's process; elsewhere a node is up or down as its store reports it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stores.model import HealthState, StoreHealth, TeachingSetting

ORDER = ("alerts", "patients", "vitals", "network", "analytics")
WHAT = {"alerts": "alarm bus", "patients": "patient records", "vitals": "vital signs",
        "network": "care network", "analytics": "regional analytics"}
# a row under a store's state: ("said", a consistency line), ("switch", a trainer's setting),
# ("note", what went wrong with the switches or the reads, in red)
Row = tuple[str, "str | TeachingSetting"]
# a lab's own word for a process -> the view's, when the server does not answer
_LAB_STATES = {"frozen": "frozen", "down": "down", "running": "starting"}


@dataclass(frozen=True)
class NodeBox:
    address: str
    role: str
    detail: str
    state: str  # "up", "down", "frozen", "starting"
    current: bool  # this station writes here now
    lab_name: str = ""  # the lab's name for it (redis-1), which its commands take


@dataclass(frozen=True)
class StoreGroup:
    store: str
    backend: str
    state: HealthState
    latency_ms: float | None
    consistency: tuple[str, ...]
    nodes: tuple[NodeBox, ...]
    reason: str

    @property
    def title(self) -> str:
        return f"{self.store} \u00b7 {self.backend}"

    @property
    def subtitle(self) -> str:
        return WHAT.get(self.store, "")


# what the lab says of its nodes, by address ("127.0.0.1:6379"): (its name, "running" |
# "frozen" | "down")
LabStates = Mapping[str, tuple[str, str]]


def picture(healths: Sequence[StoreHealth], lab: LabStates | None = None) -> list[StoreGroup]:
    """The groups to draw, in the order trainers talk about them (the alarm bus first)."""
    lab = lab or {}
    ordered = sorted(healths, key=lambda h: ORDER.index(h.store) if h.store in ORDER else 99)
    return [_group(health, lab) for health in ordered]


def _group(health: StoreHealth, lab: LabStates) -> StoreGroup:
    nodes = tuple(_node(node.address, node.role, node.detail, node.up, node.current, lab)
                  for node in health.nodes)
    return StoreGroup(health.store, health.backend, health.state, health.latency_ms,
                      health.consistency, nodes, health.reason)


def _node(address: str, role: str, detail: str, up: bool, current: bool,
          lab: LabStates) -> NodeBox:
    name, process = lab.get(address, ("", ""))
    # the process, looked at now, knows better than the last health check (a second ago)
    if process in ("frozen", "down") or not up:
        state = _LAB_STATES.get(process, "down")
    else:
        state = "up"
    return NodeBox(address, role, detail, state, current and state == "up", name)


def state_word(group: StoreGroup) -> str:
    latency = f" \u00b7 {group.latency_ms:.0f} ms" if group.latency_ms is not None else ""
    return f"{group.state.value.upper()}{latency}"


def header_rows(group: StoreGroup, settings: Sequence[TeachingSetting],
                notes: Mapping[str, str] | None = None) -> list[Row]:
    """Under the store's state: each consistency line, with the switches (of `settings`, the
    store's) of what it says right under it; a switch no line names after them; then, while
    the store has switches, its `notes` ("reads fail" -> why), those that say something."""
    mine = [setting for setting in settings if setting.store == group.store]
    rows: list[Row] = []
    for said in group.consistency:
        rows.append(("said", said))
        rows += [("switch", s) for s in mine if _first_line(group, s) == said]
    rows += [("switch", s) for s in mine if _first_line(group, s) is None]
    if mine:
        rows += [("note", f"{what}: {text}") for what, text in (notes or {}).items() if text]
    return rows


def _first_line(group: StoreGroup, setting: TeachingSetting) -> str | None:
    """The consistency line that says what `setting` changes ("reads: ..." for "reads")."""
    return next((said for said in group.consistency if said.startswith(setting.label)), None)
