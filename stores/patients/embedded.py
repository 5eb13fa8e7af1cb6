"""Patients, beds and the audit log in the embedded SQLite file."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
import uuid
from collections.abc import Sequence

from stores.embedded_db import EmbeddedDb
from stores.model import AuditEntry, Bed, Patient, StoreHealth
from stores.patients import PatientStore, rules
from stores.patients.embedded_rows import (
    BED_COLUMNS,
    PATIENT_COLUMNS,
    audit_from_row,
    bed_from_row,
    patient_from_row,
    patient_to_row,
    placeholders,
)

_INSERT_PATIENT = (
    f"INSERT INTO patients ({', '.join(PATIENT_COLUMNS)}) VALUES ({placeholders(PATIENT_COLUMNS)})"
)
_UPDATE_PATIENT = (
    f"UPDATE patients SET {', '.join(f'{name} = :{name}' for name in PATIENT_COLUMNS)} "
    "WHERE id = :id"
)
_UPSERT_BED = (
    f"INSERT INTO beds ({', '.join(BED_COLUMNS)}) VALUES ({placeholders(BED_COLUMNS)}) "
    "ON CONFLICT (id) DO UPDATE SET region = excluded.region, ward = excluded.ward, "
    "label = excluded.label, position = excluded.position"
)


class EmbeddedPatientStore(PatientStore):
    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db

    async def set_beds(self, beds: Sequence[Bed]) -> None:
        rows = [dataclasses.asdict(bed) for bed in beds]
        if rows:
            await self._db.write(lambda conn: conn.executemany(_UPSERT_BED, rows))

    async def beds(self, ward: str) -> list[Bed]:
        sql = "SELECT * FROM beds WHERE ward = ? ORDER BY position, id"
        rows = await self._db.read(lambda conn: conn.execute(sql, (ward,)).fetchall())
        return [bed_from_row(row) for row in rows]

    async def search(self, region: str, ward: str | None = None, text: str = "") -> list[Patient]:
        sql, args = "SELECT * FROM patients WHERE region = ?", [region]
        if ward is not None:
            sql, args = f"{sql} AND ward = ?", [region, ward]
        rows = await self._db.read(lambda conn: conn.execute(sql, args).fetchall())
        # Matched here, not in SQL: SQLite's lower() and LIKE only fold ASCII, names do not.
        needle = text.strip().casefold()
        found = [p for p in map(patient_from_row, rows) if rules.matches(p, needle)]
        return sorted(found, key=rules.by_name)

    async def get(self, patient_id: str) -> Patient:
        return await self._db.read(lambda conn: _stored(conn, patient_id))

    async def create(self, patient: Patient, user: str, at: float | None = None) -> Patient:
        patient = rules.checked(patient)
        now = time.time() if at is None else at
        saved = dataclasses.replace(
            patient,
            id=patient.id or uuid.uuid4().hex,
            bed_id=patient.bed_id or None,
            admitted_at=patient.admitted_at or now,
            updated_at=now,
            version=1,
        )

        def insert(conn: sqlite3.Connection) -> Patient:
            if _find(conn, saved.id) is not None:
                raise rules.id_taken(saved)
            _check_unique(conn, saved)
            conn.execute(_INSERT_PATIENT, patient_to_row(saved))
            _audit(conn, AuditEntry(now, user, "create", saved.id, rules.describe(saved)))
            return saved

        return await self._db.write(insert)

    async def update(self, patient: Patient, user: str, at: float | None = None) -> Patient:
        patient = rules.checked(patient)
        now = time.time() if at is None else at

        def save(conn: sqlite3.Connection) -> Patient:
            stored = _stored(conn, patient.id)
            if stored.version != patient.version:
                raise rules.conflict(stored, patient.version)
            saved = dataclasses.replace(
                patient,
                bed_id=patient.bed_id or None,
                admitted_at=patient.admitted_at or stored.admitted_at,
                updated_at=now,
                version=stored.version + 1,
            )
            _check_unique(conn, saved)
            conn.execute(_UPDATE_PATIENT, patient_to_row(saved))
            _audit(conn, AuditEntry(now, user, "update", saved.id,
                                    rules.update_detail(stored, saved)))
            return saved

        return await self._db.write(save)

    async def discharge(self, patient_id: str, user: str, at: float | None = None) -> None:
        now = time.time() if at is None else at

        def remove(conn: sqlite3.Connection) -> None:
            stored = _stored(conn, patient_id)
            conn.execute("DELETE FROM patients WHERE id = ?", (patient_id,))
            entry = AuditEntry(now, user, "discharge", patient_id, rules.describe(stored))
            _audit(conn, entry)

        await self._db.write(remove)

    async def record(self, entry: AuditEntry, region: str) -> None:
        def once(conn: sqlite3.Connection) -> None:
            # the same entry recorded again (a retried call) is the same event: kept once
            if conn.execute(_SAME_ENTRY, dataclasses.astuple(entry)).fetchone() is None:
                _audit(conn, entry)

        await self._db.write(once)

    async def audit_log(self, patient_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        where, args = ("WHERE patient_id = ?", (patient_id,)) if patient_id is not None else ("", ())
        sql = f"SELECT * FROM audit {where} ORDER BY seq DESC LIMIT ?"
        args = (*args, max(limit, 0))
        rows = await self._db.read(lambda conn: conn.execute(sql, args).fetchall())
        return [audit_from_row(row) for row in rows]

    async def health(self) -> StoreHealth:
        return await self._db.health("patients")

    async def close(self) -> None:
        """Nothing to do: the shared file is closed by whoever opened it."""


def _check_unique(conn: sqlite3.Connection, patient: Patient) -> None:
    """The MRN is free in the region and the bed is free, apart from this patient."""
    sql = "SELECT 1 FROM patients WHERE region = ? AND mrn = ? AND id != ?"
    if conn.execute(sql, (patient.region, patient.mrn, patient.id)).fetchone():
        raise rules.mrn_taken(patient)
    if patient.bed_id is None:
        return
    sql = "SELECT * FROM patients WHERE bed_id = ? AND id != ?"
    row = conn.execute(sql, (patient.bed_id, patient.id)).fetchone()
    if row is not None:
        raise rules.bed_taken(patient, patient_from_row(row))


def _find(conn: sqlite3.Connection, patient_id: str) -> Patient | None:
    row = conn.execute("SELECT * FROM patients WHERE id = ?", (patient_id,)).fetchone()
    return None if row is None else patient_from_row(row)


def _stored(conn: sqlite3.Connection, patient_id: str) -> Patient:
    patient = _find(conn, patient_id)
    if patient is None:
        raise rules.not_found(patient_id)
    return patient


_SAME_ENTRY = ("SELECT 1 FROM audit WHERE time = ? AND user = ? AND action = ? AND patient_id = ? "
               "AND detail = ?")


def _audit(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    sql = "INSERT INTO audit (time, user, action, patient_id, detail) VALUES (?, ?, ?, ?, ?)"
    conn.execute(sql, (entry.time, entry.user, entry.action, entry.patient_id, entry.detail))
