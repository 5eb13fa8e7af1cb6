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


def ring_layout(graph: CareGraph) -> dict[str, tuple[float, float]]:
    """Scene positions (px) by node id.

    A shell layout rather than a force layout: the focus stays in the middle, the care team on
    the first ring and their other patients and colleagues on the second, the same way every time.
    A node on an outer ring sits as near as it can to the neighbour that links it inwards, so
    links between rings stay short and rarely cross.
    """
    network = _network(graph)
    angles: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for hop, ring in enumerate(_rings(graph, network)):
        if not ring:
            continue
        radius = max(hop * RING_GAP, len(ring) * NODE_PITCH / math.tau) if hop else 0.0
        if hop <= 1:
            wanted = [FIRST + index * math.tau / len(ring) for index in range(len(ring))]
        else:
            wanted = [_inward_angle(network, node, angles) for node in ring]
        # Crowds around one clinician spread over at least three quarters of the ring.
        gap = max(NODE_PITCH / radius, 0.75 * math.tau / len(ring)) if radius else 0.0
        for node, angle in zip(ring, _spread(wanted, gap)):
            angles[node] = angle
            positions[node] = (ASPECT * radius * math.cos(angle), radius * math.sin(angle))
    return positions


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


def _spread(wanted: list[float], gap: float) -> list[float]:
    """Angles as near as possible to the wanted ones, but at least `gap` apart around the ring."""
    count = len(wanted)
    order = sorted(range(count), key=lambda i: wanted[i] % math.tau)
    ring = [wanted[i] % math.tau for i in order]
    if count * gap >= math.tau:  # a full ring: spread evenly, in the wanted order
        return _unsort(order, [ring[0] + rank * math.tau / count for rank in range(count)])
    # Cut the circle open at its widest empty stretch, so that no crowd straddles the cut.
    after = [later - earlier for earlier, later in zip(ring, ring[1:] + [ring[0] + math.tau])]
    cut = after.index(max(after)) + 1
    order = order[cut:] + order[:cut]
    line = ring[cut:] + [angle + math.tau for angle in ring[:cut]]
    crowds: list[list[float]] = []  # neighbours that had to be pushed apart, as one group
    for angle in line:
        crowds.append([angle])
        while len(crowds) > 1 and _first(crowds[-1], gap) - _last(crowds[-2], gap) < gap:
            crowds[-2:] = [crowds[-2] + crowds[-1]]
    placed = [_first(crowd, gap) + rank * gap for crowd in crowds for rank in range(len(crowd))]
    return _unsort(order, placed)


def _first(crowd: list[float], gap: float) -> float:
    """Where a crowd starts when spread `gap` apart around the mean of what its members want."""
    return sum(crowd) / len(crowd) - (len(crowd) - 1) * gap / 2


def _last(crowd: list[float], gap: float) -> float:
    return _first(crowd, gap) + (len(crowd) - 1) * gap


def _unsort(order: list[int], values: list[float]) -> list[float]:
    result = [0.0] * len(order)
    for rank, index in enumerate(order):
        result[index] = values[rank]
    return result
