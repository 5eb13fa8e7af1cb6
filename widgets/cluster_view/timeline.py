"""The cluster's timeline, without Qt: what changed between two looks at the stores (a node down
or back, a role taken, writes moved to another node, a store degraded or whole again), with the
time the station saw it, and the figures of the last incident a trainer points at: how long
from the first sign of trouble until writes moved to another node, and until every store was
whole again. Times are the station's: when its health checks saw the change (every second
while the Cluster tab is shown). Beside those, what the servers announced themselves (each
once, at the time their store heard it) and what a running drill did, at its own time: the
timeline is kept in the order of the times."""

from __future__ import annotations

import bisect
import collections
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from stores.model import HealthState, StoreHealth
from widgets.cluster_view.drill import DrillNote, timeline_text
from widgets.cluster_view.picture import NodeBox, StoreGroup

KEPT = 200  # events remembered
HEARD = 2000  # server events remembered as seen (a store gives each for a few minutes)


@dataclass(frozen=True)
class Change:
    at: float  # wall-clock time
    store: str
    text: str
    bad: bool  # a loss (red) rather than a recovery or a move
    origin: str = "station"  # who says it: "station" (its health checks), "server", "drill"


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
        self.changes: list[Change] = []  # in the order of their times, the newest last
        self.incident: Incident | None = None
        self._before: dict[str, StoreGroup] = {}
        # the node each store's writes went to when last known: a store whose node was away
        # a while and is back writes to the same node, which is not a move
        self._wrote_to: dict[str, str] = {}
        self._heard = _Seen(HEARD)

    def observe(self, groups: Sequence[StoreGroup], at: float) -> list[Change]:
        """Compare with the last look; the changes found (also kept in `changes`)."""
        found: list[Change] = []
        for group in groups:
            before = self._before.get(group.store)
            if before is not None:
                found += _group_changes(before, group, at)
            self._before[group.store] = group
            found += self._moved(group, at)
        self._add(found)
        self._follow_incident(groups, found, at)
        return found

    def _moved(self, group: StoreGroup, at: float) -> list[Change]:
        now, before = _current(group), self._wrote_to.get(group.store)
        if now is None:
            return []
        self._wrote_to[group.store] = now
        if before is None or now == before:
            return []
        # the node only: its role can still be the old one for a look or two (a Redis replica
        # is written to while Sentinel promotes it), and the role's change is a line of its own
        return [Change(at, group.store, f"writes now go to {_name(now, group)}", False)]

    def hear(self, healths: Sequence[StoreHealth]) -> list[Change]:
        """What the stores' servers announced that is new: a store repeats an event at every
        check until it ages out, so each is taken once, by its time, server and text."""
        found = [Change(event.at, health.store, f"{event.source}: {event.text}", event.bad,
                        "server")
                 for health in healths for event in health.events
                 if self._heard.first((event.at, event.source, event.text))]
        self._add(found)
        return found

    def note_drill(self, events: Iterable[DrillNote]) -> list[Change]:
        """A drill's start, steps and end, at the drill's own times."""
        found = []
        for event in events:
            said = timeline_text(event)
            if said is not None:
                found.append(Change(event.at, "drill", said[0], said[1], "drill"))
        self._add(found)
        return found

    def note_station(self, at: float, text: str, bad: bool) -> Change:
        """Something the station itself went through (its alarm channel lost, its outbox)."""
        change = Change(at, "station", text, bad)
        self._add([change])
        return change

    def _add(self, found: Iterable[Change]) -> None:
        for change in found:  # usually the newest: put after any of the same time
            bisect.insort(self.changes, change, key=lambda c: c.at)
        del self.changes[:-KEPT]

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


class _Seen:
    """The last `size` keys seen, to take each once."""

    def __init__(self, size: int) -> None:
        self._order: collections.deque[object] = collections.deque()
        self._keys: set[object] = set()
        self._size = size

    def first(self, key: object) -> bool:
        if key in self._keys:
            return False
        self._keys.add(key)
        self._order.append(key)
        if len(self._order) > self._size:
            self._keys.discard(self._order.popleft())
        return True


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
    return node.lab_name or node.address
