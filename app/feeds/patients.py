"""Patients feed: the ward's beds and patients, search, and saving or discharging a patient."""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Mapping

from PySide6.QtCore import Signal

from app.feeds.base import action
from app.feeds.ward import WardFeed
from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds
from stores.errors import Conflict, NotFound, OutboxFull, StoreUnavailable, ValidationError
from stores.model import (
    AlarmLimits,
    AuditEntry,
    Patient,
    PendingWrite,
    Queued,
    Vital,
    Widening,
    alarm_limit_problems,
    widenings,
)
from stores.network import CareNetworkStore
from stores.patients import PatientStore

log = logging.getLogger(__name__)

WIDENED = "alarm limits widened"  # the audit log's action for limits set wider than the ward's


class PatientsFeed(WardFeed):
    title = "Patient records"
    patients_found = Signal(object)  # list[Patient]: the search result
    patient_loaded = Signal(object)  # Patient: the record asked for
    saved = Signal(object)  # Patient, as saved
    queued = Signal(object)  # Patient as it will be saved: kept in the outbox, NOT saved yet
    delivered = Signal(object)  # Patient as saved now that a queued change reached the store
    problem = Signal(str, str)  # field, message: the store refused a field
    failed = Signal(str)  # a save or discharge that did not happen, and why
    discharged = Signal(str)  # patient id
    discharge_queued = Signal(str)  # patient id: the discharge waits in the outbox

    def __init__(self, patients: PatientStore, network: CareNetworkStore, region: str, ward: str,
                 user: str, refresh_s: float = 10.0,
                 ward_limits: Mapping[Vital, AlarmLimits] | None = None,
                 alarm_bounds: Mapping[str, AlarmBounds] = HARD_BOUNDS) -> None:
        super().__init__(patients, region, ward, refresh_s)
        # what a patient's own limits replace, and how far they may go: widening is audited
        self.ward_limits = dict(ward_limits or {})
        self.alarm_bounds = dict(alarm_bounds)
        self._read: dict[str, Patient] = {}  # the records last read or saved, by id
        self._network = network
        self.user = user
        self._search_text = ""
        self._found: list[Patient] | None = None
        self._wanted: str | None = None

    async def reload(self) -> None:
        """Read the ward and the current search again; emit only what changed."""
        with self.reporting():
            await self._read_ward()
            await self._search()

    @action(str)
    async def search(self, text: str) -> None:
        self._search_text = text
        with self.reporting():
            await self._search()

    async def _search(self) -> None:
        text = self._search_text
        found = await self._patients.search(self.region, None, text)
        if text == self._search_text and found != self._found:  # a newer search may have begun
            self._found = found
            self.patients_found.emit(found)

    @action(str)
    async def load(self, patient_id: str) -> None:
        self._wanted = patient_id  # with quick clicks, only the last one asked for is shown
        with self.reporting():
            try:
                patient = await self._patients.get(patient_id)
            except NotFound:
                if patient_id == self._wanted:
                    self.failed.emit("That patient is no longer on the ward list.")
            else:
                self._read[patient.id] = patient
                if patient_id == self._wanted:
                    self.patient_loaded.emit(patient)

    @action(object)
    async def save(self, patient: Patient) -> None:
        """Save a patient; limits beyond the station's clinical bounds are refused here too (the
        store knows only the hard ones), and limits set wider than the ward's are audited."""
        beyond = alarm_limit_problems(patient.alarm_limits, self.alarm_bounds)
        if beyond:
            self.problem.emit(beyond[0].field, beyond[0].message)
            return
        try:
            widened = await self._widenings(patient)
            saved = await self._write(patient)
        except ValidationError as exc:
            self.problem.emit(exc.field, exc.message)
        except Conflict:
            self.failed.emit("Someone else saved this patient first. Reload the record and "
                             "make your change again.")
        except NotFound:
            self.failed.emit("This patient has been discharged meanwhile; nothing was saved.")
        except OutboxFull as exc:
            self.failed.emit(f"Not saved: {exc.reason}. Your entries are still in the form.")
        except StoreUnavailable as exc:
            self.failed.emit(f"Not saved: the patient store is unavailable ({exc.reason}). "
                             "Your entries are still in the form.")
        except Exception as exc:  # a bug: say so in the form rather than leave it "Saving…"
            log.exception("saving patient %s failed", patient.id or "(new)")
            self.failed.emit(f"Not saved: unexpected error ({exc}). Your entries are still "
                             "in the form.")
        else:
            if isinstance(saved, Queued):  # shown as queued, never as saved
                self._read[saved.record.id] = saved.record
                self.queued.emit(saved.record)
                await self._audit_widening(saved.record, widened, queued=True)
                await self._sync_network(saved.record)
                return
            self._read[saved.id] = saved
            self.saved.emit(saved)
            await self._audit_widening(saved, widened)
            await self._sync_network(saved)
            await self.reload()

    @action(object)
    async def on_delivered(self, write: PendingWrite) -> None:
        """A queued write reached its store: a patient's change is saved now."""
        if write.store != "patients" or not write.patient_id:
            return
        with self.reporting():
            if write.operation in ("patients.admit", "patients.update"):
                try:
                    self.delivered.emit(await self._patients.get(write.patient_id))
                except NotFound:
                    pass  # discharged since; the list says so
            await self.reload()

    async def _widenings(self, patient: Patient) -> list[Widening]:
        """The parts of the patient's own limits set wider than the ward's default by this
        save; the record as read before is this feed's copy, else the store's."""
        before = self._read.get(patient.id) if patient.id else None
        if patient.id and (before is None or before.version != patient.version):
            try:
                before = await self._patients.get(patient.id)
            except (NotFound, StoreUnavailable):
                before = self._read.get(patient.id)  # unknown: compared with what was shown
        return widenings(before.alarm_limits if before else (), patient.alarm_limits,
                         self.ward_limits)

    async def _audit_widening(self, saved: Patient, widened: list[Widening],
                              queued: bool = False) -> None:
        if not widened:
            return
        state = "confirmed, queued (not yet saved)" if queued else "confirmed"
        detail = "; ".join(w.describe() for w in widened) + f", ward {saved.ward}, {state}"
        entry = AuditEntry(time.time(), self.user, WIDENED, saved.id, detail)
        try:
            await self._patients.record(entry, saved.region)
        except StoreUnavailable as exc:  # the outbox keeps it where there is one
            log.error("widened alarm limits of patient %s not written to the audit log (%s): %s",
                      saved.id, exc.reason, detail)

    async def _write(self, patient: Patient) -> Patient | Queued:
        if not patient.id:
            new = dataclasses.replace(patient, id=uuid.uuid4().hex, region=self.region,
                                      ward=patient.ward or self.ward)
            return await self._patients.create(new, self.user)
        return await self._patients.update(patient, self.user)

    async def _sync_network(self, patient: Patient) -> None:
        # The care network only mirrors names; the patient store stays the record of truth, so
        # a failure here does not undo the save, nor mark the patient store down. The care-team
        # panel shows the network's own state.
        try:
            await self._network.put_patient(patient.id, patient.full_name)
        except StoreUnavailable as exc:
            log.warning("care network not updated for patient %s: %s", patient.id, exc.reason)

    @action(str)
    async def discharge(self, patient_id: str) -> None:
        try:
            result = await self._patients.discharge(patient_id, self.user)
        except NotFound:
            result = None  # already discharged, at this station or another: the wish is fulfilled
        except OutboxFull as exc:
            self.failed.emit(f"Not discharged: {exc.reason}.")
            return
        except StoreUnavailable as exc:
            self.failed.emit(f"Not discharged: the patient store is unavailable ({exc.reason}).")
            return
        try:
            await self._network.remove_patient(patient_id)
        except StoreUnavailable as exc:
            log.warning("care network still lists discharged patient %s: %s", patient_id,
                        exc.reason)
        self.discharged.emit(patient_id)
        if isinstance(result, Queued):
            self.discharge_queued.emit(patient_id)
        await self.reload()
