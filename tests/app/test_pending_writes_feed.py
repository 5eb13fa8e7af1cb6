"""Pending writes, as the station sees them: a save kept in the outbox is queued (never saved) until
it is delivered; a refusal is a technical alarm; a refused write is applied again or discarded."""

from __future__ import annotations

import dataclasses
from datetime import date

from app.feeds.alarms import AlarmsFeed
from app.feeds.patients import PatientsFeed
from app.feeds.pending_records import DISCARDED
from app.feeds.pending_writes import PendingWritesFeed
from stores.embedded_db import EmbeddedDb
from stores.model import Bed, Patient, Priority
from stores.network.embedded import EmbeddedCareNetworkStore
from tests.app.qasync_helpers import run_on_qt_loop
from tests.outbox_support import outboxed_patients
from tests.waiting import eventually

BED = Bed("north-1-01", "north", "north-1", "Bed 1", 1)
NEW = Patient(id="", region="north", ward="north-1", mrn="N1", given_name="Ada",
              family_name="Byron", birth_date=date(1950, 5, 1), bed_id=BED.id)


class Station:
    """The patients and pending-writes feeds over a patient store whose server can go away."""

    def __init__(self, db: EmbeddedDb, limit: int = 10_000) -> None:
        self.store, self.server = outboxed_patients(db, limit)
        self.patients = PatientsFeed(self.store, EmbeddedCareNetworkStore(db), "north",
                                     "north-1", "nurse.kim")
        self.pending = PendingWritesFeed({"patients": self.store.courier}, self.store, "north",
                                         "nurse.lee")
        self.saved, self.queued, self.delivered, self.failures = [], [], [], []
        self.writes, self.done, self.current = [], [], []
        self.patients.saved.connect(self.saved.append)
        self.patients.queued.connect(self.queued.append)
        self.patients.delivered.connect(self.delivered.append)
        self.patients.failed.connect(self.failures.append)
        self.pending.writes_changed.connect(self.writes.append)
        self.pending.done.connect(self.done.append)
        self.pending.failed.connect(self.failures.append)
        self.pending.current_loaded.connect(lambda w, c: self.current.append((w, c)))
        self.pending.delivered.connect(self.patients.on_delivered)
        self.pending.start()

    async def close(self) -> None:
        for feed in (self.patients, self.pending):
            await feed.stop()
        await self.store.close()


def scenario_on(tmp_path, body, **options) -> None:
    async def run() -> None:
        db = await EmbeddedDb.open(tmp_path / "station.sqlite3")
        station = Station(db, **options)
        await station.store.set_beds([BED])
        try:
            await body(station)
        finally:
            await station.close()
            await db.close()

    run_on_qt_loop(run())


def test_a_save_kept_in_the_outbox_is_queued_not_saved_until_it_is_delivered(qapp, tmp_path):
    async def body(station: Station) -> None:
        station.server.away = True
        await station.patients.save(NEW)

        assert station.saved == [] and len(station.queued) == 1
        ada = station.queued[0]
        assert ada.id and ada.version == 1
        listed = await eventually(lambda: station.writes and station.writes[-1], 5, "a listing")
        assert [(w.state, w.operation, w.user, w.patient_id) for w in listed] == [
            ("queued", "patients.admit", "nurse.kim", ada.id)]
        assert station.pending.pending == 1

        station.server.away = False
        station.store.courier.start()
        delivered = await eventually(lambda: station.delivered, 10, "the delivery")
        assert delivered[0].id == ada.id and delivered[0].version == 1
        await eventually(lambda: station.writes[-1] == [], 5, "the listing emptied")
        assert station.pending.pending == 0

    scenario_on(tmp_path, body)


async def _one_refused(station: Station) -> tuple[Patient, object]:
    await station.patients.save(NEW)
    ada = station.saved[-1]
    station.server.away = True
    await station.patients.save(dataclasses.replace(ada, notes="first"))
    await station.patients.save(dataclasses.replace(ada, weight_kg=61.0))  # read at version 1
    station.server.away = False
    station.store.courier.start()
    refused = await eventually(
        lambda: [w for w in (station.writes[-1] if station.writes else []) if w.refused], 10,
        "the refusal listed")
    return ada, refused[0]


def test_a_refused_write_is_a_medium_technical_alarm_of_the_station(qapp, tmp_path):
    async def body(station: Station) -> None:
        alarms = AlarmsFeed(station.store, "north", "north-1", "nurse.kim")  # bus unused here
        station.pending.outbox_changed.connect(alarms.show_outbox)
        await _one_refused(station)

        alarm = await eventually(lambda: next((a for a in alarms.alarms
                                               if a.id == "technical:writes-refused"), None),
                                 5, "the technical alarm")
        assert alarm.priority is Priority.MEDIUM and alarm.needs_attention
        assert alarm.condition.startswith("1 queued write(s) refused on delivery")

    scenario_on(tmp_path, body)


def test_a_refused_change_is_shown_beside_the_current_record_and_applied_again(qapp, tmp_path):
    async def body(station: Station) -> None:
        ada, refused = await _one_refused(station)
        assert (refused.user, refused.record.weight_kg) == ("nurse.kim", 61.0)

        await station.pending.load_current(refused.store, refused.seq)
        write, current = station.current[-1]
        assert (current.notes, current.version) == ("first", 2)

        await station.pending.apply_again(refused.store, refused.seq)
        assert station.done[-1].endswith(": saved.")
        stored = await station.store.get(ada.id)
        assert (stored.notes, stored.weight_kg, stored.version) == ("", 61.0, 3)
        assert (await station.store.audit_log(ada.id))[0].user == "nurse.lee"
        await eventually(lambda: station.writes[-1] == [], 5, "the listing emptied")

    scenario_on(tmp_path, body)


def test_discarding_a_refused_write_is_audited(qapp, tmp_path):
    async def body(station: Station) -> None:
        ada, refused = await _one_refused(station)

        await station.pending.discard(refused.store, refused.seq)
        assert "discarded" in station.done[-1]
        entry = (await station.store.audit_log(ada.id))[0]
        assert (entry.action, entry.user) == (DISCARDED, "nurse.lee")
        assert "made by nurse.kim" in entry.detail and "version 1" in entry.detail
        assert await station.store.courier.counts() == (0, 0)

    scenario_on(tmp_path, body)


def test_a_save_refused_by_a_full_outbox_says_so_and_keeps_the_entries(qapp, tmp_path):
    async def body(station: Station) -> None:
        alarms = AlarmsFeed(station.store, "north", "north-1", "nurse.kim")
        station.pending.outbox_changed.connect(alarms.show_outbox)
        station.server.away = True
        await station.patients.save(NEW)
        await station.patients.save(dataclasses.replace(NEW, mrn="N2", bed_id=None))

        assert len(station.queued) == 1
        assert station.failures[-1].startswith("Not saved: the patients store is unavailable "
                                               "and its outbox is full (1 writes kept)")
        assert "still in the form" in station.failures[-1]
        alarm = await eventually(lambda: next((a for a in alarms.alarms
                                               if a.id == "technical:outbox-full:patients"),
                                              None), 5, "the technical alarm")
        assert alarm.priority is Priority.MEDIUM

    scenario_on(tmp_path, body, limit=1)
