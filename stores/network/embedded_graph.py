"""A patient's care team, two hops out, read from the embedded SQLite file's link table."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from stores.model import CareGraph, CareLink, CareLinkKind, CareNode, CareNodeKind

_KIND_ORDER = {kind: place for place, kind in enumerate(CareNodeKind)}
_TO_PATIENT = tuple(kind.value for kind in CareLinkKind if kind.to_patient)
_BETWEEN_CLINICIANS = (CareLinkKind.COVERS_FOR.value, CareLinkKind.ESCALATES_TO.value)


def care_team(conn: sqlite3.Connection, patient_id: str) -> CareGraph:
    """The patient, their clinicians, and those clinicians' patients and colleagues (see
    `CareNetworkStore.care_team`); nodes by kind then label, links by their ends."""
    row = conn.execute("SELECT kind FROM care_nodes WHERE id = ?", (patient_id,)).fetchone()
    if row is None or row["kind"] != CareNodeKind.PATIENT.value:
        return CareGraph(focus_id=patient_id)
    team = _column(conn, "SELECT source_id FROM care_links WHERE target_id = ?", [patient_id])
    ids = {patient_id, *team, *_second_hop(conn, team)}
    nodes = sorted(_nodes(conn, ids), key=lambda n: (_KIND_ORDER[n.kind], n.label.casefold(), n.id))
    links = sorted(_links_among(conn, ids),
                   key=lambda link: (link.source_id, link.target_id, link.kind.value))
    return CareGraph(focus_id=patient_id, nodes=tuple(nodes), links=tuple(links))


def _second_hop(conn: sqlite3.Connection, team: Collection[str]) -> set[str]:
    """The team's other patients, and the clinicians linked to the team either way."""
    if not team:
        return set()
    members, to_patient, between = _marks(team), _marks(_TO_PATIENT), _marks(_BETWEEN_CLINICIANS)
    sql = (
        f"SELECT target_id FROM care_links"
        f" WHERE source_id IN ({members}) AND kind IN ({to_patient})"
        f" UNION SELECT target_id FROM care_links"
        f" WHERE source_id IN ({members}) AND kind IN ({between})"
        f" UNION SELECT source_id FROM care_links"
        f" WHERE target_id IN ({members}) AND kind IN ({between})"
    )
    args = [*team, *_TO_PATIENT, *team, *_BETWEEN_CLINICIANS, *team, *_BETWEEN_CLINICIANS]
    return set(_column(conn, sql, args))


def _nodes(conn: sqlite3.Connection, ids: Collection[str]) -> list[CareNode]:
    sql = f"SELECT id, label, kind FROM care_nodes WHERE id IN ({_marks(ids)})"
    rows = conn.execute(sql, list(ids)).fetchall()
    return [CareNode(row["id"], row["label"], CareNodeKind(row["kind"])) for row in rows]


def _links_among(conn: sqlite3.Connection, ids: Collection[str]) -> list[CareLink]:
    marks = _marks(ids)
    sql = f"SELECT * FROM care_links WHERE source_id IN ({marks}) AND target_id IN ({marks})"
    rows = conn.execute(sql, [*ids, *ids]).fetchall()
    return [CareLink(row["source_id"], row["target_id"], CareLinkKind(row["kind"])) for row in rows]


def _column(conn: sqlite3.Connection, sql: str, args: list[str]) -> list[str]:
    return [row[0] for row in conn.execute(sql, args)]


def _marks(values: Collection[object]) -> str:
    return ", ".join("?" for _ in values)
