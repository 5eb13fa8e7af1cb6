"""The care network in the embedded SQLite file: a table of people and a table of links."""

from __future__ import annotations

import sqlite3

from stores.embedded_db import EmbeddedDb
from stores.errors import ValidationError
from stores.model import (
    CareGraph,
    CareLink,
    CareNodeKind,
    Clinician,
    ClinicianRole,
    StoreHealth,
)
from stores.network import CareNetworkStore
from stores.network.embedded_graph import care_team

_PATIENT = CareNodeKind.PATIENT.value
_CLINICIAN_KINDS = (CareNodeKind.DOCTOR.value, CareNodeKind.NURSE.value)
# Links to a patient; every other kind links two clinicians.
_UPSERT_NODE = (
    "INSERT INTO care_nodes (id, label, kind, region, ward) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET label = excluded.label, kind = excluded.kind, "
    "region = excluded.region, ward = excluded.ward"
)


class EmbeddedCareNetworkStore(CareNetworkStore):
    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db

    async def put_clinician(self, clinician: Clinician) -> None:
        row = (clinician.id, clinician.name, clinician.role.value, clinician.region, clinician.ward)

        def upsert(conn: sqlite3.Connection) -> None:
            _refuse_other_kind(conn, clinician.id, _CLINICIAN_KINDS, "a patient")
            conn.execute(_UPSERT_NODE, row)

        await self._db.write(upsert)

    async def put_patient(self, patient_id: str, name: str) -> None:
        def upsert(conn: sqlite3.Connection) -> None:
            _refuse_other_kind(conn, patient_id, (_PATIENT,), "a clinician")
            conn.execute(_UPSERT_NODE, (patient_id, name, _PATIENT, None, None))

        await self._db.write(upsert)

    async def remove_patient(self, patient_id: str) -> None:
        # The links go with the node: ON DELETE CASCADE.
        sql = "DELETE FROM care_nodes WHERE id = ? AND kind = ?"
        await self._db.write(lambda conn: conn.execute(sql, (patient_id, _PATIENT)))

    async def link(self, link: CareLink) -> None:
        def insert(conn: sqlite3.Connection) -> None:
            _check_ends(conn, link)
            conn.execute(
                "INSERT OR IGNORE INTO care_links (source_id, target_id, kind) VALUES (?, ?, ?)",
                (link.source_id, link.target_id, link.kind.value),
            )

        await self._db.write(insert)

    async def unlink(self, link: CareLink) -> None:
        sql = "DELETE FROM care_links WHERE source_id = ? AND target_id = ? AND kind = ?"
        args = (link.source_id, link.target_id, link.kind.value)
        await self._db.write(lambda conn: conn.execute(sql, args))

    async def clinicians(self, region: str) -> list[Clinician]:
        sql = (
            "SELECT id, label, kind, region, ward FROM care_nodes "
            "WHERE region = ? AND kind != ? ORDER BY label, id"
        )
        rows = await self._db.read(lambda conn: conn.execute(sql, (region, _PATIENT)).fetchall())
        return [_clinician(row) for row in rows]

    async def care_team(self, patient_id: str) -> CareGraph:
        return await self._db.read(lambda conn: care_team(conn, patient_id))

    async def health(self) -> StoreHealth:
        return await self._db.health("network")

    async def close(self) -> None:
        """Nothing to do: the shared file is closed by whoever opened it."""


def _clinician(row: sqlite3.Row) -> Clinician:
    role = ClinicianRole(row["kind"])
    return Clinician(row["id"], row["label"], role, row["region"], row["ward"])


def _kind_of(conn: sqlite3.Connection, node_id: str) -> str | None:
    row = conn.execute("SELECT kind FROM care_nodes WHERE id = ?", (node_id,)).fetchone()
    return None if row is None else row["kind"]


def _refuse_other_kind(conn: sqlite3.Connection, node_id: str, allowed: tuple[str, ...], other: str) -> None:
    kind = _kind_of(conn, node_id)
    if kind is not None and kind not in allowed:
        raise ValidationError("id", f"{node_id} is already in the care network as {other}.")


def _check_ends(conn: sqlite3.Connection, link: CareLink) -> None:
    """Links point from a clinician, to a patient or to another clinician, as their kind says."""
    source, target = _kind_of(conn, link.source_id), _kind_of(conn, link.target_id)
    if source is None:
        raise ValidationError("source_id", f"No one with id {link.source_id} in the care network.")
    if target is None:
        raise ValidationError("target_id", f"No one with id {link.target_id} in the care network.")
    if source not in _CLINICIAN_KINDS:
        raise ValidationError("source_id", f"A {link.kind.label} link starts at a clinician.")
    wanted = (_PATIENT,) if link.kind.to_patient else _CLINICIAN_KINDS
    if target not in wanted:
        whom = "a patient" if link.kind.to_patient else "a clinician"
        raise ValidationError("target_id", f"A {link.kind.label} link ends at {whom}.")
    if link.source_id == link.target_id:
        raise ValidationError("target_id", "A clinician cannot be linked to themselves.")
