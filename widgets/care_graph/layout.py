"""Where each person of a care graph is drawn: the focus patient in the centre, one ring per hop."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from stores.model import CareGraph

if TYPE_CHECKING:
    import networkx as nx

RING_GAP = 72.0  # px between rings, up and down: room for a link and its label
ASPECT = 1.45  # rings are ellipses, wider than high, like the panels they are drawn in
NODE_PITCH = 42.0  # px of ring per node, so that neighbours' names do not touch
# The care team starts at nine o'clock: their crowds of patients then gather at the sides of
# the rings, where names stack one under another, rather than at the top, where they collide.
FIRST = math.pi


def ring_layout(graph: CareGraph, spread: float = 1.0) -> dict[str, tuple[float, float]]:
    """Scene positions (px) by node id; `spread` > 1 draws the same rings wider apart.

    A shell layout rather than a force layout: the focus stays in the middle, the care team on
    the first ring and their other patients and colleagues on the second, evenly spaced around
    each ring (networkx's circular layout), the same way every time. An outer ring is ordered
    by, and turned towards, where the people who link it inwards sit, so that links between
    rings stay short and rarely cross. A ring holding many people is made wider.
    """
    network = _network(graph)
    angles: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    radius = 0.0
    for hop, ring in enumerate(_rings(graph, network)):
        if not ring:
            continue
        if hop:
            radius = max(radius + RING_GAP, len(ring) * NODE_PITCH / math.tau)
        for node, angle in _ring_angles(network, ring, angles, inner=hop <= 1).items():
            angles[node] = angle
            distance = radius * spread
            positions[node] = (ASPECT * distance * math.cos(angle), distance * math.sin(angle))
    return positions


def _ring_angles(network: nx.Graph, ring: list[str], placed: dict[str, float],
                 inner: bool) -> dict[str, float]:
    """Evenly around the ring: the care team from nine o'clock in their given order; an outer
    ring in the order of its inward neighbours, turned to lie nearest to them."""
    import networkx as nx

    if not inner:
        ring = sorted(ring, key=lambda node: _inward_angle(network, node, placed))
    slots = {node: math.atan2(y, x) for node, (x, y) in nx.circular_layout(ring).items()}
    turn = FIRST
    if not inner:  # the mean of how far each is from where it wants to be
        wanted = {node: _inward_angle(network, node, placed) for node in ring}
        turn = math.atan2(sum(math.sin(wanted[n] - slots[n]) for n in ring),
                          sum(math.cos(wanted[n] - slots[n]) for n in ring))
    return {node: slots[node] + turn for node in ring}


def _network(graph: CareGraph) -> nx.Graph:
    # networkx takes about 0.2 s to import: paid when a care team is first drawn, not while
    # the station starts (the first frame shows no care graph)
    import networkx as nx

    network = nx.Graph()
    network.add_nodes_from(node.id for node in graph.nodes)
    network.add_edges_from(
        (link.source_id, link.target_id)
        for link in graph.links
        if link.source_id in network and link.target_id in network
    )
    return network


def _rings(graph: CareGraph, network: nx.Graph) -> list[list[str]]:
    """Node ids by hops from the focus (index = hops); nodes not linked to it make the last ring."""
    import networkx as nx

    hops = {}
    if graph.focus_id in network:
        hops = nx.single_source_shortest_path_length(network, graph.focus_id)
    unlinked = max(hops.values(), default=0) + 1
    rings: list[list[str]] = [[] for _ in range(unlinked + 1)]
    order = {node.id: (node.kind.value, node.label, node.id) for node in graph.nodes}
    for node_id in sorted(network, key=order.__getitem__):
        rings[hops.get(node_id, unlinked)].append(node_id)
    return rings


def _inward_angle(network: nx.Graph, node: str, angles: dict[str, float]) -> float:
    """The mean angle of the neighbours already placed (on inner rings), or nine o'clock if none."""
    placed = [angles[other] for other in network[node] if other in angles]
    if not placed:
        return FIRST
    return math.atan2(sum(map(math.sin, placed)), sum(map(math.cos, placed)))
