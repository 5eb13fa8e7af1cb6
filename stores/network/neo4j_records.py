"""Rows of the Neo4j care network's queries turned into model records, and the link rules
(the same as the embedded store's, in the same words)."""

from __future__ import annotations

from typing import Any

from stores.errors import ValidationError
from stores.model import (
    CareGraph,
    CareLink,
    CareNode,
    CareNodeKind,
    Clinician,
    ClinicianRole,
)
from stores.network.neo4j_cypher import LINK_KINDS

_KIND_ORDER = {kind: place for place, kind in enumerate(CareNodeKind)}
CLINICIAN, PATIENT = "clinician", "patient"  # what LINK_ENDS says each end is


def clinicians(rows: list[dict[str, Any]]) -> list[Clinician]:
    """Clinicians by name then id, in code-point order like the embedded store (whatever the
    server's collation would make of ORDER BY)."""
    found = [Clinician(r["id"], r["name"], ClinicianRole(r["role"]), r["region"], r["ward"])
             for r in rows]
    return sorted(found, key=lambda c: (c.name, c.id))


def care_graph(patient_id: str, row: dict[str, Any] | None) -> CareGraph:
    """The graph from CARE_TEAM's one row: nodes by kind then label, links by their ends."""
    if row is None or not row["nodes"]:
        return CareGraph(focus_id=patient_id)
    nodes = [CareNode(n["id"], n["label"], CareNodeKind(n["kind"])) for n in row["nodes"]]
    links = {CareLink(link["source_id"], link["target_id"], LINK_KINDS[link["type"]])
             for per_person in row["links"] for link in per_person}
    nodes.sort(key=lambda n: (_KIND_ORDER[n.kind], n.label.casefold(), n.id))
    ordered = sorted(links, key=lambda link: (link.source_id, link.target_id, link.kind.value))
    return CareGraph(focus_id=patient_id, nodes=tuple(nodes), links=tuple(ordered))


def check_link_ends(link: CareLink, source: str | None, target: str | None) -> None:
    """Links point from a clinician, to a patient or to another clinician, as their kind says;
    `source` and `target` are what the ends are ("clinician", "patient", None: no one)."""
    if source is None:
        raise ValidationError("source_id", f"No one with id {link.source_id} in the care network.")
    if target is None:
        raise ValidationError("target_id", f"No one with id {link.target_id} in the care network.")
    if source != CLINICIAN:
        raise ValidationError("source_id", f"A {link.kind.label} link starts at a clinician.")
    wanted = PATIENT if link.kind.to_patient else CLINICIAN
    if target != wanted:
        raise ValidationError("target_id", f"A {link.kind.label} link ends at a {wanted}.")
    if link.source_id == link.target_id:
        raise ValidationError("target_id", "A clinician cannot be linked to themselves.")


def already_other_kind(node_id: str, other: str) -> ValidationError:
    """The error for an id that is already in the network as the other kind of person."""
    return ValidationError("id", f"{node_id} is already in the care network as {other}.")
