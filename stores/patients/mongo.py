"""Patients, beds and the audit log on a MongoDB replica set (`pymongo.AsyncMongoClient`).

Writes are majority-acknowledged and journaled, reads see majority-committed data (see
mongo_client). A change and its audit entry are written in one transaction where MongoDB has
transactions (replica sets, sharded clusters); a standalone server writes them one after the
other, the audit entry only once the change is saved.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from pymongo import UpdateOne
from pymongo.errors import DuplicateKeyError

from stores.errors import StoreError, StoreUnavailable, ValidationError
from stores.model import AuditEntry, Bed, Patient, StoreHealth
from stores.patients import PatientStore, mongo_health, mongo_prepare
from stores.patients.mongo_calls import Calls, Session
from stores.patients.mongo_client import SCHEMA_TIMEOUT_S, Client, Document, build_client
from stores.patients.mongo_docs import (
    audit_from_doc,
    audit_to_doc,
    bed_from_doc,
    bed_to_doc,
    patient_from_doc,
    patient_to_doc,
)
from stores.patients.mongo_rules import already_saved, taken
from stores.patients.mongo_schema import AUDIT, BEDS, PATIENTS
from stores.patients.rules import (
    by_name,
    checked,
    conflict,
    describe,
    matches,
    not_found,
    update_detail,
)
from stores.urls import StoreUrl

T = TypeVar("T")


async def open_store(url: StoreUrl, secret: str | None) -> MongoPatientStore:
    """The store on the database `url` names; connects lazily (the server may be down)."""
    return MongoPatientStore(url, build_client(url, secret))


class MongoPatientStore(PatientStore):
    def __init__(self, url: StoreUrl, client: Client) -> None:
        self._url = url
        self._client = client
        self._db = client[url.path]
        self._patients = self._db[PATIENTS]
        self._beds = self._db[BEDS]
        self._audit = self._db[AUDIT]
        self._calls = Calls(client, url)

    async def set_beds(self, beds: Sequence[Bed]) -> None:
        # $set, not a replacement: fields other tools added to a bed stay.
        ops = [UpdateOne({"_id": d.pop("_id")}, {"$set": d}, upsert=True)
               for d in map(bed_to_doc, beds)]
        if ops:
            async with self._calls.guard():
                await self._beds.bulk_write(ops, ordered=False)

    async def beds(self, ward: str) -> list[Bed]:
        async with self._calls.guard():
            cursor = self._beds.find({"ward": ward}).sort([("position", 1), ("_id", 1)])
            return [bed_from_doc(doc) async for doc in cursor]

    async def search(self, region: str, ward: str | None = None, text: str = "") -> list[Patient]:
        query = {"region": region} if ward is None else {"region": region, "ward": ward}
        async with self._calls.guard():
            found = [patient_from_doc(doc) async for doc in self._patients.find(query)]
        # Matched here, not by the server: the same Unicode case folding as every backend.
        needle = text.strip().casefold()
        return sorted((p for p in found if matches(p, needle)), key=by_name)

    async def get(self, patient_id: str) -> Patient:
        async with self._calls.guard():
            return await self._stored(patient_id, None)

    async def create(self, patient: Patient, user: str, at: float | None = None) -> Patient:
        patient = checked(patient)
        now = time.time() if at is None else at
        saved = dataclasses.replace(
            patient, id=patient.id or uuid.uuid4().hex, bed_id=patient.bed_id or None,
            admitted_at=patient.admitted_at or now, updated_at=now, version=1)

        async def insert(session: Session) -> Patient:
            await self._patients.insert_one(patient_to_doc(saved), session=session)
            await self._log(AuditEntry(now, user, "create", saved.id, describe(saved)),
                            saved.region, session)
            return saved

        try:
            return await self._write_patient(insert, saved)
        except ValidationError as exc:
            if exc.field not in ("id", "mrn", "bed_id"):
                raise
            # A queued admission delivered twice (the station stopped before it could strike
            # it off): the patient is already stored exactly so, which is what was asked.
            done = await self._already(dataclasses.replace(patient, id=saved.id), 1)
            if done is None:
                raise
            return done

    async def update(self, patient: Patient, user: str, at: float | None = None) -> Patient:
        patient = checked(patient)
        now = time.time() if at is None else at

        async def save(session: Session) -> Patient:
            doc = await self._stored_doc(patient.id, session)
            stored = patient_from_doc(doc)
            if already_saved(stored, patient, patient.version + 1):
                return stored  # this very change was saved before (a queued one redelivered)
            if stored.version != patient.version:
                raise conflict(stored, patient.version)
            saved = dataclasses.replace(
                patient, bed_id=patient.bed_id or None,
                admitted_at=patient.admitted_at or stored.admitted_at, updated_at=now,
                version=stored.version + 1)
            # The version in the filter is the lock: nobody saved since `doc` was read. A whole
            # document (keeping fields other tools added) rather than $set: servers that store
            # in SQLite (nx-27017) round a $set double to 15 digits but keep a whole one exact.
            found = await self._patients.find_one_and_replace(
                {"_id": patient.id, "version": patient.version}, {**doc, **patient_to_doc(saved)},
                projection={"_id": 1}, session=session)
            if found is None:
                await self._refused(saved, patient.version, session)
            entry = AuditEntry(now, user, "update", saved.id, update_detail(stored, saved))
            await self._log(entry, saved.region, session)
            return saved

        return await self._write_patient(save, patient)

    async def discharge(self, patient_id: str, user: str, at: float | None = None) -> None:
        now = time.time() if at is None else at

        async def remove(session: Session) -> None:
            doc = await self._patients.find_one_and_delete({"_id": patient_id}, session=session)
            if doc is None:
                raise not_found(patient_id)
            stored = patient_from_doc(doc)
            entry = AuditEntry(now, user, "discharge", patient_id, describe(stored))
            await self._log(entry, stored.region, session)

        async with self._calls.guard():
            await self._calls.in_transaction(remove)

    async def record(self, entry: AuditEntry, region: str) -> None:
        # An id made of the entry itself: the outbox may deliver it again after a lost answer,
        # and the log must hold it once.
        doc = {"_id": uuid.uuid5(uuid.NAMESPACE_URL, repr((region, entry))).hex,
               **audit_to_doc(entry, region)}
        try:
            async with self._calls.guard():
                await self._audit.insert_one(doc)
        except DuplicateKeyError:
            pass  # recorded already

    async def audit_log(self, patient_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        if limit <= 0:  # MongoDB reads a limit of 0 as "no limit"
            return []
        query = {} if patient_id is None else {"patient_id": patient_id}
        async with self._calls.guard():
            cursor = self._audit.find(query).sort("time", -1).limit(limit)
            return [audit_from_doc(doc) async for doc in cursor]

    async def prepare(self, create: bool = False) -> list[str]:
        async with self._calls.guard(SCHEMA_TIMEOUT_S):
            if create:
                return await mongo_prepare.create(self._db)
            return await mongo_prepare.missing(self._db)

    async def health(self) -> StoreHealth:
        if self._calls.closed:
            return mongo_health.health_down(self._client, self._url, "closed")
        started = time.perf_counter()
        try:
            async with self._calls.guard():
                await self._db.command("ping")
                transactions = await self._calls.supports_transactions()
        except StoreUnavailable as exc:
            return mongo_health.health_down(self._client, self._url, exc.reason)
        except StoreError as exc:  # the server refuses even a ping (a proxy, a missing command)
            return mongo_health.health_down(self._client, self._url, str(exc))
        return mongo_health.health_up(self._client, self._url, started, transactions)

    async def close(self) -> None:
        await self._calls.close()

    async def _write_patient(self, work: Callable[[Session], Awaitable[T]], patient: Patient) -> T:
        """Run a change of `patient`; a unique index refusing it names the field, like the
        embedded store does."""
        try:
            async with self._calls.guard():
                return await self._calls.in_transaction(work)
        except DuplicateKeyError as exc:
            async with self._calls.guard():
                raise await taken(self._patients, exc, patient) from None

    async def _already(self, wanted: Patient, version: int) -> Patient | None:
        """The stored patient if it is `wanted` as saved at `version`, else None."""
        async with self._calls.guard():
            doc = await self._patients.find_one({"_id": wanted.id})
        stored = None if doc is None else patient_from_doc(doc)
        return stored if stored is not None and already_saved(stored, wanted, version) else None

    async def _stored(self, patient_id: str, session: Session) -> Patient:
        return patient_from_doc(await self._stored_doc(patient_id, session))

    async def _stored_doc(self, patient_id: str, session: Session) -> Document:
        doc = await self._patients.find_one({"_id": patient_id}, session=session)
        if doc is None:
            raise not_found(patient_id)
        return doc

    async def _refused(self, saved: Patient, version: int, session: Session) -> None:
        """The versioned update matched nothing: gone, saved by someone else meanwhile, or a
        unique key (nx-27017 answers a findAndModify that broke one with "no document")."""
        now = await self._stored(saved.id, session)
        if now.version != version:
            raise conflict(now, version)
        raise await taken(self._patients, None, saved)

    async def _log(self, entry: AuditEntry, region: str, session: Session) -> None:
        await self._audit.insert_one(audit_to_doc(entry, region), session=session)
