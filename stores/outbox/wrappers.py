"""Real stores wrapped so that their writes go through the outbox; reads go straight through.

A write the store takes returns its answer; a queued one returns `stores.model.Queued` (for a
patient, with the record as it will be saved), so that the station shows it as queued, never as
saved. The store's health says how many writes wait and how many were refused. A backend's spec
names the wrapper of its store (`stores/backends.py`).
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Generic, TypeVar

from stores.alerts import ARCHIVE_BATCH, AlertBus
from stores.analytics import AnalyticsStore
from stores.errors import ValidationError
from stores.model import (
    Alarm,
    AuditEntry,
    Bed,
    CareGraph,
    CareLink,
    Clinician,
    HealthState,
    Patient,
    Queued,
    StoreHealth,
    TeachingSetting,
    VitalSample,
    VitalTrend,
    WardHour,
    WardOccupancy,
    Waveform,
    WaveformChunk,
    patient_problems,
)
from stores.network import CareNetworkStore
from stores.outbox import DEFAULT_LIMIT, Courier, Outbox
from stores.outbox.operations import OPERATIONS
from stores.patients import PatientStore
from stores.store import Store
from stores.vitals import VitalsStore

S = TypeVar("S", bound=Store)
T = TypeVar("T")


class Outboxed(Store, Generic[S]):
    """What every wrapped store shares: the courier, health with the outbox's counts, close."""

    def __init__(self, inner: S, store: str, outbox: Outbox, limit: int = DEFAULT_LIMIT) -> None:
        self.inner = inner
        self.courier = Courier(outbox, store, self._deliver, limit)

    async def _deliver(self, op: str, args: object) -> object:
        operation = OPERATIONS.get(op)
        if operation is None or operation.store != self.courier.store \
                or not isinstance(args, dict):
            raise ValidationError("op", f"{op!r} is not a write of this store")
        return await getattr(self.inner, operation.method)(**args)

    async def _send(self, op: str, at: float | None = None, **args: object) -> object:
        """The store's answer, or `Queued`; `at` (when given) is when the write was made, and
        is passed on to the store with the other arguments."""
        sent = args if at is None else {**args, "at": at}
        return await self.courier.send(op, sent, made_at=at)

    async def prepare(self, create: bool = False) -> list[str]:
        return await self.inner.prepare(create)

    async def health(self) -> StoreHealth:
        health = await self.inner.health()
        waiting, refused = await self.courier.counts()
        notes = [f"{waiting} write(s) waiting in the outbox"] if waiting else []
        notes += ["the outbox is full: new writes are refused"] if self.courier.full else []
        notes += [f"{refused} write(s) refused on delivery (see Pending writes)"] if refused \
            else []
        if not notes:
            return health
        state = HealthState.DEGRADED if health.state is HealthState.UP else health.state
        reason = "; ".join(filter(None, [health.reason, *notes]))
        return dataclasses.replace(health, state=state, reason=reason)

    def teaching_settings(self) -> tuple[TeachingSetting, ...]:
        return self.inner.teaching_settings()

    async def apply_teaching_setting(self, key: str, value: str) -> TeachingSetting:
        return await self.inner.apply_teaching_setting(key, value)

    async def close(self) -> None:
        await self.courier.close()
        await self.inner.close()


class OutboxedVitals(Outboxed[VitalsStore], VitalsStore):
    """Samples wait in the outbox while the store is away. Waveform chunks never do: they are
    live data (eight chunks a second per bed) that would fill the outbox in an outage and then
    hold the queued samples up behind a flood of stale strips. They go straight to the store,
    and a store that is away raises StoreUnavailable to the caller, which drops them (the
    simulator counts that and logs it once per outage). Raised rather than dropped here: the
    caller knows the chunks were not kept, and one log line per outage is the caller's to say."""


    async def write(self, samples: Sequence[VitalSample]) -> None:
        if samples:
            await self._send("vitals.write", samples=list(samples))

    async def write_waveforms(self, chunks: Sequence[WaveformChunk]) -> None:
        await self.inner.write_waveforms(chunks)

    async def waveforms(self, bed_ids: Iterable[str], since: float,
                        waveform: Waveform | None = None) -> dict[str, list[WaveformChunk]]:
        return await self.inner.waveforms(bed_ids, since, waveform)

    async def trend(self, bed_id: str, start: float, end: float, buckets: int) -> VitalTrend:
        return await self.inner.trend(bed_id, start, end, buckets)

    async def latest(self, bed_ids: Iterable[str]) -> dict[str, VitalSample]:
        return await self.inner.latest(bed_ids)

    async def history(self, bed_id: str, start: float, end: float) -> list[VitalSample]:
        return await self.inner.history(bed_id, start, end)

    async def recent(self, bed_ids: Iterable[str], since: float) -> dict[str, list[VitalSample]]:
        return await self.inner.recent(bed_ids, since)


class OutboxedPatients(Outboxed[PatientStore], PatientStore):

    async def set_beds(self, beds: Sequence[Bed]) -> None:
        await self._send("patients.set-beds", beds=list(beds))

    async def beds(self, ward: str) -> list[Bed]:
        return await self.inner.beds(ward)

    async def search(self, region: str, ward: str | None = None, text: str = "") -> list[Patient]:
        return await self.inner.search(region, ward, text)

    async def get(self, patient_id: str) -> Patient:
        return await self.inner.get(patient_id)

    async def create(self, patient: Patient, user: str,
                     at: float | None = None) -> Patient | Queued:
        _check(patient)  # bad input is refused now, not after the store returns
        at = time.time() if at is None else at
        patient = dataclasses.replace(patient, id=patient.id or uuid.uuid4().hex)
        result = _answer(await self._send("patients.admit", patient=patient, user=user, at=at),
                         Patient)
        if not isinstance(result, Queued):
            return result
        return dataclasses.replace(result, record=dataclasses.replace(
            patient, bed_id=patient.bed_id or None, version=1,
            admitted_at=patient.admitted_at or at, updated_at=at))

    async def update(self, patient: Patient, user: str,
                     at: float | None = None) -> Patient | Queued:
        _check(patient)
        at = time.time() if at is None else at
        result = _answer(await self._send("patients.update", patient=patient, user=user, at=at),
                         Patient)
        if not isinstance(result, Queued):
            return result
        # as it will be saved: the next edit of the form builds on this version
        return dataclasses.replace(result, record=dataclasses.replace(
            patient, bed_id=patient.bed_id or None, version=patient.version + 1, updated_at=at))

    async def discharge(self, patient_id: str, user: str,
                        at: float | None = None) -> Queued | None:
        at = time.time() if at is None else at
        return _answer(await self._send("patients.discharge", patient_id=patient_id, user=user,
                                        at=at), type(None))

    async def record(self, entry: AuditEntry, region: str) -> Queued | None:
        return _answer(await self._send("patients.audit", entry=entry, region=region), type(None))

    async def audit_log(self, patient_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        return await self.inner.audit_log(patient_id, limit)


def _answer(result: object, answer: type[T]) -> T | Queued:
    """A write's result as its interface says: the store's `answer`, or `Queued`."""
    if isinstance(result, (answer, Queued)):
        return result
    raise TypeError(f"a write answered {type(result).__name__}, not {answer.__name__}")


def _check(patient: Patient) -> None:
    problems = patient_problems(patient, datetime.date.today())
    if problems:
        raise ValidationError(problems[0].field, problems[0].message)


class OutboxedNetwork(Outboxed[CareNetworkStore], CareNetworkStore):

    async def put_clinician(self, clinician: Clinician) -> None:
        await self._send("network.put-clinician", clinician=clinician)

    async def put_patient(self, patient_id: str, name: str) -> None:
        await self._send("network.put-patient", patient_id=patient_id,
                         name=name)

    async def remove_patient(self, patient_id: str) -> None:
        await self._send("network.remove-patient", patient_id=patient_id)

    async def link(self, link: CareLink) -> None:
        await self._send("network.link", link=link)

    async def unlink(self, link: CareLink) -> None:
        await self._send("network.unlink", link=link)

    async def clinicians(self, region: str) -> list[Clinician]:
        return await self.inner.clinicians(region)

    async def care_team(self, patient_id: str) -> CareGraph:
        return await self.inner.care_team(patient_id)


class OutboxedAnalytics(Outboxed[AnalyticsStore], AnalyticsStore):

    async def add_hours(self, rollups: Sequence[WardHour]) -> None:
        if rollups:
            await self._send("analytics.add-hours", rollups=list(rollups))

    async def hours(self, region: str, start: float, end: float) -> list[WardHour]:
        return await self.inner.hours(region, start, end)

    async def record_occupancy(self, occupancy: Sequence[WardOccupancy]) -> None:
        if occupancy:
            await self._send("analytics.record-occupancy",
                             occupancy=list(occupancy))

    async def occupancy(self) -> list[WardOccupancy]:
        return await self.inner.occupancy()

    async def archive_alarms(self, alarms: Sequence[Alarm]) -> Queued | None:
        # The caller prunes the alarm bus only on None (delivered), never on Queued.
        from stores.analytics.alarm_archive import check_archivable

        check_archivable(alarms)  # refused now, not queued to be refused at every delivery
        if alarms:
            return _answer(await self._send("analytics.archive-alarms", alarms=list(alarms)),
                           type(None))
        return None

    async def archived_alarms(self, region: str, since: float, until: float | None = None,
                              patient_id: str | None = None) -> list[Alarm]:
        return await self.inner.archived_alarms(region, since, until, patient_id)


class OutboxedAlerts(Outboxed[AlertBus], AlertBus):
    """Alarm publishes wait in the outbox while the bus is away; an acknowledgement does not:
    queued, it would silence the alarm at this station while every other station still sees it
    unacknowledged, and it needs the alarm's stored state. It fails visibly, the banner says
    it did not go out, and the nurse repeats it (docs/operations.md)."""


    async def publish(self, alarm: Alarm) -> None:
        from stores.alarm_codec import publishable

        publishable(alarm)  # refused now, not queued to be refused at every delivery
        await self._send("alerts.publish", alarm=alarm)

    async def acknowledge(self, alarm_id: str, by: str, at: float,
                          region: str | None = None) -> Alarm:
        return await self.inner.acknowledge(alarm_id, by, at, region)

    async def active(self, region: str) -> list[Alarm]:
        return await self.inner.active(region)

    async def history(self, region: str, since: float) -> list[Alarm]:
        return await self.inner.history(region, since)

    async def resolved_before(self, region: str, cutoff: float,
                              limit: int = ARCHIVE_BATCH) -> list[Alarm]:
        return await self.inner.resolved_before(region, cutoff, limit)

    async def prune(self, region: str, alarms: Sequence[Alarm]) -> int:
        # Never queued: pruning later is pointless, and the bus may have moved on meanwhile.
        return await self.inner.prune(region, alarms)

    def subscribe(self, region: str) -> AsyncIterator[Alarm]:
        return self.inner.subscribe(region)

    def unreadable_messages(self, region: str) -> tuple[int, str]:
        return self.inner.unreadable_messages(region)

    def signed(self, region: str) -> bool | None:
        return self.inner.signed(region)

    def channel_problem(self, region: str) -> str | None:
        return self.inner.channel_problem(region)
