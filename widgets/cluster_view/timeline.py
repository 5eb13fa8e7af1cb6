"""The cluster's timeline, without Qt: what changed between two looks at the stores (a node down
or back, a role taken, writes moved to another node, a store degraded or whole again), with the
time the station saw it, and the figures of the last incident a trainer points at: how long
from the first sign of trouble until writes moved to another node, and until every store was
whole again. Times are the station's: when its health checks saw the change (every second
while the Cluster tab is shown)."""

from __future__ import annotations

import collections
import time
from collections.abc import Sequence
from dataclasses import dataclass

from stores.model import HealthState
from widgets.cluster_view.picture import NodeBox, StoreGroup

KEPT = 200  # events remembered


@dataclass(frozen=True)
class Change:
    at: float  # wall-clock time
    store: str
    text: str
    bad: bool  # a loss (red) rather than a recovery or a move


@dataclass
class Incident:
    """From the first thing that went wrong after all was well, to every store whole again."""

    started: float
    moved: float | None = None  # writes went to another node
    whole: float | None = None

    def said(self) -> str:
        when = time.strftime("%H:%M:%S", time.localtime(self.started))
        parts = [f"since {when}"]
        if self.moved is not None:
            parts.append(f"writes moved after {self.moved - self.started:.1f} s")
        parts.append(f"every store whole again after {self.whole - self.started:.1f} s"
                     if self.whole is not None else "not whole yet")
        return ": ".join([parts[0], ", ".join(parts[1:])])


class Timeline:
    def __init__(self) -> None:
        self.changes: collections.deque[Change] = collections.deque(maxlen=KEPT)
        self.incident: Incident | None = None
        self._before: dict[str, StoreGroup] = {}

    def observe(self, groups: Sequence[StoreGroup], at: float) -> list[Change]:
        """Compare with the last look; the changes found (also kept in `changes`)."""
        found: list[Change] = []
        for group in groups:
            before = self._before.get(group.store)
            if before is not None:
                found += _group_changes(before, group, at)
            self._before[group.store] = group
        self.changes.extend(found)
        self._follow_incident(groups, found, at)
        return found

    def _follow_incident(self, groups: Sequence[StoreGroup], found: list[Change],
                         at: float) -> None:
        whole = all(g.state is HealthState.UP and all(n.state == "up" for n in g.nodes)
                    for g in groups)
        trouble = any(change.bad for change in found)
        if trouble and (self.incident is None or self.incident.whole is not None):
            self.incident = Incident(at)
        incident = self.incident
        if incident is None or incident.whole is not None:
            return
        if incident.moved is None and any(c.text.startswith("writes now go to")
                                          for c in found):
            incident.moved = at
        if whole:
            incident.whole = at


def _group_changes(before: StoreGroup, now: StoreGroup, at: float) -> list[Change]:
    changes = []
    if before.state is not now.state:
        bad = now.state is not HealthState.UP
        changes.append(Change(at, now.store, f"{now.store}: {now.state.value}"
                              + (f" ({now.reason})" if bad and now.reason else ""), bad))
    old = {node.address: node for node in before.nodes}
    for node in now.nodes:
        was = old.get(node.address)
        if was is None:
            continue
        changes += _node_changes(now.store, was, node, at)
    moved_to = _current(now)
    if moved_to is not None and moved_to != _current(before):
        changes.append(Change(at, now.store, f"writes now go to {_name(moved_to, now)}", False))
    return changes


def _node_changes(store: str, was: NodeBox, node: NodeBox, at: float) -> list[Change]:
    name = node.lab_name or node.address
    changes = []
    if was.state != node.state:
        changes.append(Change(at, store, f"{was.role} {name} {node.state}",
                              node.state in ("down", "frozen", "link cut")))
    if was.role != node.role and node.state == "up":
        changes.append(Change(at, store, f"{name}: {was.role} \u2192 {node.role}", False))
    return changes


def _current(group: StoreGroup) -> str | None:
    return next((node.address for node in group.nodes if node.current), None)


def _name(address: str, group: StoreGroup) -> str:
    node = next(n for n in group.nodes if n.address == address)
    return f"{node.role} {node.lab_name or node.address}"
