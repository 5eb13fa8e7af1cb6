"""Every audit document the station writes passes the MongoDB validator of the audit collection.

nx-27017 keeps no validators, so writing to it cannot fail a test: each document is checked here
against the validator's `$jsonSchema` instead, with a small checker (tests/stores/bson_schema.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app import station_audit
from app.alarms.technical import TechnicalAlarms
from app.config import Config
from app.feeds.alarm_records import acknowledgement_entry
from app.feeds.alarms import CHANNEL_LOST_ID
from app.feeds.pending_records import discard_entry
from stores.model import (
    Alarm,
    AlarmKind,
    HealthState,
    Patient,
    PendingWrite,
    Priority,
    StoreHealth,
    Vital,
)
from stores.patients.mongo import open_store
from stores.patients.mongo_docs import audit_to_doc
from stores.patients.mongo_schema import AUDIT, COLLECTIONS
from tests.servers.mongo import patient_store_url
from tests.stores.bson_schema import problems

SCHEMA = next(c for c in COLLECTIONS if c.name == AUDIT).validator["$jsonSchema"]
NOW = 1_700_000_000.0
MUTED_STATION = Config(user="nurse.kim", alarm_audio=False)  # embedded: a training station
ADA = Patient(id="p1", region="north", ward="north-1", mrn="MRN-001", given_name="Ada",
              family_name="Lovelace", birth_date=date(1950, 12, 10), bed_id="north-1-01")


def patient_alarm() -> Alarm:
    return Alarm(id="a1", region="north", ward="north-1", bed_id="north-1-01", patient_id="p1",
                 patient_name="Ada Lovelace", priority=Priority.HIGH, condition="SpO2 low",
                 raised_at=NOW - 12, vital=Vital.SPO2, value=84.0, limit=90.0)


def technical_alarm() -> Alarm:
    station = TechnicalAlarms("north", "north-1", 5.0, clock=lambda: NOW - 30)
    station.show_health([StoreHealth("vitals", "influxdb", HealthState.DOWN, reason="refused")])
    (alarm,) = station.alarms()
    return alarm


def channel_lost() -> Alarm:
    return Alarm(id=CHANNEL_LOST_ID, region="north", ward="north-1", bed_id="", patient_id=None,
                 patient_name="", priority=Priority.HIGH, kind=AlarmKind.TECHNICAL,
                 condition="Alarm channel lost: refused", raised_at=NOW - 5)


def refused_write(patient: Patient | None) -> PendingWrite:
    return PendingWrite(
        store="patients" if patient else "alerts", seq=7,
        operation="patients.update" if patient else "alerts.publish", made_at=NOW - 600,
        user="dr.ng" if patient else "station", what="something", record=patient,
        patient_id=patient.id if patient else None, refused="version 1 (now 2)")


# Every entry the station hands to `PatientStore.record`, by kind.
RECORDED = {
    "patient alarm acknowledged": lambda: acknowledgement_entry(
        patient_alarm().acknowledge("nurse.kim", NOW)),
    "technical alarm acknowledged": lambda: acknowledgement_entry(
        technical_alarm().acknowledge("nurse.kim", NOW)),
    "alarm channel lost acknowledged": lambda: acknowledgement_entry(
        channel_lost().acknowledge("nurse.kim", NOW)),
    "refused patient write discarded": lambda: discard_entry(refused_write(ADA), "nurse.kim",
                                                             NOW),
    "refused alarm publish discarded": lambda: discard_entry(refused_write(None), "nurse.kim",
                                                             NOW),
    "station started": lambda: station_audit.started_entries(MUTED_STATION, NOW)[0],
    "alarm audio muted": lambda: station_audit.started_entries(MUTED_STATION, NOW)[1],
    "station closed": lambda: station_audit.closed_entry(MUTED_STATION, "closed by nurse.kim",
                                                         NOW),
}


@pytest.mark.parametrize("kind", RECORDED)
def test_each_entry_the_station_records_passes_the_validator(kind):
    document = audit_to_doc(RECORDED[kind](), "north")
    assert problems(document, SCHEMA) == []


def test_the_checker_refuses_what_the_validator_refuses():
    good = audit_to_doc(RECORDED["patient alarm acknowledged"](), "north")
    assert problems({**good, "action": ""}, SCHEMA) == [".action: '' shorter than 1"]
    assert problems({**good, "time": "noon"}, SCHEMA) == [".time: 'noon' is not number"]
    assert problems({k: v for k, v in good.items() if k != "user"}, SCHEMA) == [".user: missing"]


@pytest.mark.asyncio
async def test_every_audit_document_written_to_mongodb_passes_the_validator(mongo_server, request):
    """The documents as the store writes them (admission, change, discharge, and each recorded
    entry), read back from the server and checked against the validator."""
    store = await open_store(patient_store_url(mongo_server, request.node.name),
                             mongo_server.secret)
    try:
        await store.prepare(create=True)
        saved = await store.create(ADA, "nurse.kim")
        await store.update(dataclasses.replace(saved, notes="fell"), "dr.ng", at=NOW)
        await store.discharge(ADA.id, "dr.ng")
        for make in RECORDED.values():
            await store.record(make(), "north")
        documents = [doc async for doc in store._audit.find({})]
    finally:
        await store.close()

    assert len(documents) == 3 + len(RECORDED)
    assert {doc["action"] for doc in documents} == {
        "create", "update", "discharge", "alarm acknowledged", "queued write discarded",
        "station started", "alarm audio muted", "station closed"}
    for document in documents:
        assert problems(document, SCHEMA) == [], document
