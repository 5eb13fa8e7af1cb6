"""The outbox tells the truth about every write: queued or saved, refused, the time it was made,
its bound, and queues written by an older station."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date

import pytest
import pytest_asyncio

from stores.embedded_db import EmbeddedDb
from stores.embedded_schema import _OUTBOX_OPERATIONS, MIGRATIONS
from stores.errors import Conflict, NotFound, OutboxFull, StoreUnavailable
from stores.model import Bed, Patient, Queued
from stores.outbox import Courier, Outbox
from stores.outbox.describe import pending
from tests.outbox_support import outboxed_patients
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio

BED = Bed("north-1-01", "north", "north-1", "Bed 1", 1)
ADA = Patient(id="p1", region="north", ward="north-1", mrn="MRN-001", given_name="Ada",
              family_name="Lovelace", birth_date=date(1950, 12, 10), bed_id=BED.id)
MADE_AT = 1_700_000_000.0  # 2023-11-14: long before any delivery in these tests


@pytest_asyncio.fixture
async def db(tmp_path):
    db = await EmbeddedDb.open(tmp_path / "station.sqlite3")
    yield db
    await db.close()


@pytest_asyncio.fixture
async def patients(db):
    store, server = outboxed_patients(db)
    yield store, server
    await store.close()


async def test_a_write_the_store_takes_is_saved_and_one_it_cannot_take_is_queued(patients):
    store, server = patients
    saved = await store.create(ADA, "nurse.kim")
    assert isinstance(saved, Patient) and saved.version == 1

    server.away = True
    queued = await store.update(dataclasses.replace(saved, notes="fell"), "nurse.kim")
    assert isinstance(queued, Queued) and queued.store == "patients"
    assert (queued.record.notes, queued.record.version) == ("fell", 2)  # as it will be saved
    assert await store.courier.counts() == (1, 0)


async def test_the_audit_keeps_the_time_a_queued_change_was_made_not_its_delivery(patients):
    store, server = patients
    saved = await store.create(ADA, "nurse.kim")
    server.away = True
    await store.update(dataclasses.replace(saved, notes="fell"), "dr.ng", at=MADE_AT)
    await store.discharge(ADA.id, "dr.ng", at=MADE_AT + 60)
    server.away = False
    store.courier.start()

    await eventually(lambda: store.courier._waiting == 0, what="delivery")
    log = await store.audit_log(ADA.id)
    assert [(e.action, e.time) for e in log[:2]] == [("discharge", MADE_AT + 60),
                                                      ("update", MADE_AT)]


async def test_listeners_hear_each_write_queued_delivered_and_refused(patients):
    store, server = patients
    heard = []
    store.courier.listen(lambda event, write: heard.append((event, write.op)))
    saved = await store.create(ADA, "nurse.kim")
    server.away = True
    await store.update(dataclasses.replace(saved, notes="one"), "nurse.kim")
    await store.update(dataclasses.replace(saved, notes="two"), "nurse.kim")  # version 1 again
    server.away = False
    store.courier.start()

    await eventually(lambda: len(heard) == 4, what="the delivery")
    assert heard == [("queued", "patients.update"), ("queued", "patients.update"),
                     ("delivered", "patients.update"), ("refused", "patients.update")]
    assert await store.courier.counts() == (0, 1)


async def test_a_refused_write_is_applied_again_onto_the_current_version_or_discarded(patients):
    store, server = patients
    saved = await store.create(ADA, "nurse.kim")
    server.away = True
    await store.update(dataclasses.replace(saved, notes="one"), "nurse.kim")
    await store.update(dataclasses.replace(saved, weight_kg=61.0), "dr.ng")  # version 1: refused
    server.away = False
    store.courier.start()
    await eventually(lambda: store.courier._refused == 1, what="the refusal")
    (refused,) = [w for w in await store.courier.listed() if w.refused]
    assert "version 1" in refused.refused
    described = pending(refused)
    assert (described.user, described.patient_id, described.state) == ("dr.ng", "p1", "refused")
    assert described.what == "Save changes to Lovelace, Ada (MRN MRN-001)"

    current = await store.get("p1")
    mine = dataclasses.replace(refused.args["patient"], version=current.version)
    again = await store.courier.apply_again(refused.seq, {**refused.args, "patient": mine})
    assert (again.weight_kg, again.version) == (61.0, 3)
    assert await store.courier.counts() == (0, 0)
    with pytest.raises(NotFound):
        await store.courier.discard(refused.seq)


async def test_applying_again_a_write_refused_again_keeps_it(patients):
    store, server = patients
    saved = await store.create(ADA, "nurse.kim")
    server.away = True
    await store.update(dataclasses.replace(saved, notes="one"), "nurse.kim")
    await store.update(dataclasses.replace(saved, notes="two"), "nurse.kim")
    server.away = False
    store.courier.start()
    await eventually(lambda: store.courier._refused == 1, what="the refusal")
    (refused,) = await store.courier.listed()

    with pytest.raises(Conflict):
        await store.courier.apply_again(refused.seq, refused.args)  # still at version 1
    assert await store.courier.counts() == (0, 1)
    discarded = await store.courier.discard(refused.seq)
    assert discarded.args["patient"].notes == "two"
    assert await store.courier.counts() == (0, 0)


async def test_a_full_outbox_refuses_new_writes_with_a_message_and_drops_none(db):
    store, server = outboxed_patients(db, limit=3)
    try:
        saved = await store.create(ADA, "nurse.kim")
        server.away = True
        for n in range(3):
            await store.update(dataclasses.replace(saved, notes=f"edit {n}", version=1 + n), "k")
        with pytest.raises(OutboxFull) as full:
            await store.update(dataclasses.replace(saved, notes="edit 3", version=4), "k")
        assert isinstance(full.value, StoreUnavailable)
        assert "outbox is full (3 writes kept)" in full.value.reason
        assert store.courier.full
        assert await store.courier.counts() == (3, 0)
        assert "the outbox is full" in (await store.health()).reason

        server.away = False
        store.courier.start()
        await eventually(lambda: store.courier._waiting == 0, what="delivery")
        assert (await store.get("p1")).notes == "edit 2"
        assert not store.courier.full
    finally:
        await store.close()


class CountingOutbox(Outbox):
    def __init__(self, db: EmbeddedDb) -> None:
        super().__init__(db)
        self.counted = 0

    async def counts(self, store: str) -> tuple[int, int]:
        self.counted += 1
        return await super().counts(store)


async def test_the_pending_count_is_kept_not_recounted_on_every_delivery(db):
    outbox = CountingOutbox(db)
    arrived = []
    away = True

    async def deliver(op: str, args: object) -> None:
        if away:
            raise StoreUnavailable("away")
        arrived.append(args)

    courier = Courier(outbox, "vitals", deliver)
    for n in range(20):
        await courier.send("vitals.write", {"samples": [n]})
    away = False
    courier.start()
    await eventually(lambda: len(arrived) == 20, what="delivery")
    await eventually(lambda: courier._task is None, what="the courier's end")

    assert await courier.counts() == (0, 0)
    assert outbox.counted == 1  # once, when the courier first needed the count
    await courier.close()


async def test_a_payload_of_a_newer_version_is_kept_refused_and_blocks_nothing(db):
    outbox = Outbox(db)
    await db.write(lambda conn: conn.execute(
        "INSERT INTO outbox (store, op, payload_version, payload, queued_at) "
        "VALUES ('vitals', 'vitals.write', 99, '{}', 0)"))
    await outbox.add("vitals", "vitals.write", {"samples": [1]})
    arrived = []

    async def deliver(op: str, args: object) -> None:
        arrived.append(args)

    courier = Courier(outbox, "vitals", deliver)
    courier.start()
    await eventually(lambda: arrived == [{"samples": [1]}], what="delivery")
    await eventually(lambda: courier._refused == 1, what="the refusal")
    (kept,) = await courier.listed()
    assert "newer Ward Station" in kept.refused
    await courier.close()


# A queue as Ward Station wrote it before issue 10 (schema 4): the store method's name and the
# arguments as a list. Written here as a literal, so that a change of today's encoding cannot
# change what this test loads.
OLD_ROW = (
    "patients", "update",
    '[{"record": "Patient", "fields": {"id": "p1", "region": "north", "ward": "north-1", '
    '"mrn": "MRN-001", "given_name": "Ada", "family_name": "Lovelace", "birth_date": '
    '"1950-12-10", "sex": "unknown", "bed_id": "north-1-01", "weight_kg": null, "diagnoses": '
    '[], "allergies": [], "medications": [], "notes": "fell at 3am", "admitted_at": 0.0, '
    '"updated_at": 0.0, "version": 1, "alarm_limits": []}}, "nurse.kim"]',
    MADE_AT,
)


def old_station_file(path) -> None:
    """A file at the schema before stable operation names, with ADA and one queued edit."""
    conn = sqlite3.connect(path)
    before = MIGRATIONS.index(_OUTBOX_OPERATIONS)
    for statements in MIGRATIONS[:before]:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("INSERT INTO outbox (store, op, payload, queued_at) VALUES (?, ?, ?, ?)",
                 OLD_ROW)
    conn.commit()
    conn.close()


async def test_a_queue_written_by_the_station_before_this_change_is_delivered(tmp_path):
    path = tmp_path / "station.sqlite3"
    old_station_file(path)
    db = await EmbeddedDb.open(path)  # migrates the file
    store, server = outboxed_patients(db)
    server.away = True  # the server is away until ADA is admitted there
    try:
        (waiting,) = await store.courier.listed()
        assert (waiting.op, waiting.args["user"], waiting.args["at"]) == (
            "patients.update", "nurse.kim", MADE_AT)
        await store.inner.inner.create(dataclasses.replace(ADA, notes=""), "nurse.kim")
        server.away = False
        store.courier.start()

        await eventually(lambda: store.courier._waiting == 0, what="delivery")
        saved = await store.get("p1")
        assert (saved.notes, saved.version) == ("fell at 3am", 2)
        update = (await store.audit_log("p1"))[0]
        assert (update.action, update.user, update.time) == ("update", "nurse.kim", MADE_AT)
    finally:
        await store.close()
        await db.close()

