"""The patient and care-network stores with the region's cache in front: reads through the cache,
writes straight to the store and then announced. Composed in bootstrap (`app.cached_stores`),
so that neither store knows of Redis nor of each other.

A write the outbox queued has not reached the store: it is announced when its courier delivers
it. The audit log is never cached; nor is a read about another region (its writes are announced
on that region's channel, which this station does not hear).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from stores.cache.region_cache import RegionCache
from stores.model import (
    AuditEntry,
    Bed,
    CareGraph,
    CareLink,
    Clinician,
    Patient,
    Queued,
    StoreHealth,
    TeachingSetting,
)
from stores.network import CareNetworkStore
from stores.patients import PatientStore
from stores.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

# the outbox's operations that change nothing a cached read returns
UNCACHED_WRITES = frozenset({"patients.audit"})


class _Fronted:
    """What both cached stores share: announcing writes, the courier's deliveries, health."""

    def __init__(self, inner: Store, cache: RegionCache, scopes: Callable[[str], str]) -> None:
        self._inner, self._cache, self._scope_of = inner, cache, scopes
        self._announcing: set[asyncio.Task[None]] = set()
        courier = getattr(inner, "courier", None)  # a real store's outbox
        if courier is not None:
            self.courier = courier  # as the station wires every courier to Pending writes
            courier.listen(self._on_courier)

    async def _write(self, scope: str, write: Awaitable[T]) -> T:
        try:
            result = await write
        except asyncio.CancelledError:
            self._announce_soon(scope)  # it may have reached the store: said, without waiting
            raise
        except Exception:
            await self._cache.changed(scope)  # it may have reached the store before failing
            raise
        if not isinstance(result, Queued):
            await self._cache.changed(scope)
        return result

    def _on_courier(self, event: str, write: Any) -> None:  # (event, QueuedWrite), on the loop
        if event == "delivered" and write.op not in UNCACHED_WRITES:
            self._announce_soon(self._scope_of(write.op))

    def _announce_soon(self, scope: str) -> None:
        task = asyncio.get_running_loop().create_task(self._cache.changed(scope))
        self._announcing.add(task)
        task.add_done_callback(self._announced)

    def _announced(self, task: asyncio.Task[None]) -> None:
        self._announcing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("announcing a write to the cache failed", exc_info=task.exception())

    async def _health(self, *scopes: str) -> StoreHealth:
        return dataclasses.replace(await self._inner.health(), cache=self._cache.health(*scopes))

    def teaching_settings(self) -> tuple[TeachingSetting, ...]:
        return self._inner.teaching_settings()

    async def apply_teaching_setting(self, key: str, value: str) -> TeachingSetting:
        return await self._inner.apply_teaching_setting(key, value)

    async def _close(self) -> None:
        if self._announcing:
            await asyncio.wait(self._announcing, timeout=1.0)
        await self._inner.close()


class CachedPatients(_Fronted, PatientStore):
    def __init__(self, inner: PatientStore, cache: RegionCache) -> None:
        super().__init__(inner, cache, lambda op: "beds" if op == "patients.set-beds"
                         else "patients")
        self.inner = inner

    async def beds(self, ward: str) -> list[Bed]:
        return await self._cache.read(
            "beds", ("beds", ward), list[Bed], lambda: self.inner.beds(ward),
            keep=lambda beds: all(bed.region == self._cache.region for bed in beds))

    async def search(self, region: str, ward: str | None = None, text: str = "") -> list[Patient]:
        if region != self._cache.region:
            return await self.inner.search(region, ward, text)
        return await self._cache.read("patients", ("search", ward or "", text), list[Patient],
                                      lambda: self.inner.search(region, ward, text))

    async def get(self, patient_id: str) -> Patient:
        return await self._cache.read(
            "patients", ("get", patient_id), Patient, lambda: self.inner.get(patient_id),
            keep=lambda patient: patient.region == self._cache.region)

    async def audit_log(self, patient_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        return await self.inner.audit_log(patient_id, limit)

    async def set_beds(self, beds: Sequence[Bed]) -> None:
        await self._write("beds", self.inner.set_beds(beds))

    async def create(self, patient: Patient, user: str,
                     at: float | None = None) -> Patient | Queued:
        return await self._write("patients", self.inner.create(patient, user, at))

    async def update(self, patient: Patient, user: str,
                     at: float | None = None) -> Patient | Queued:
        return await self._write("patients", self.inner.update(patient, user, at))

    async def discharge(self, patient_id: str, user: str,
                        at: float | None = None) -> Queued | None:
        return await self._write("patients", self.inner.discharge(patient_id, user, at))

    async def record(self, entry: AuditEntry, region: str) -> Queued | None:
        return await self.inner.record(entry, region)

    async def prepare(self, create: bool = False) -> list[str]:
        return await self.inner.prepare(create)

    async def health(self) -> StoreHealth:
        return await self._health("beds", "patients")

    async def close(self) -> None:
        await self._close()


class CachedNetwork(_Fronted, CareNetworkStore):
    def __init__(self, inner: CareNetworkStore, cache: RegionCache) -> None:
        super().__init__(inner, cache, lambda op: "network")
        self.inner = inner

    async def clinicians(self, region: str) -> list[Clinician]:
        if region != self._cache.region:
            return await self.inner.clinicians(region)
        return await self._cache.read("network", ("clinicians", region), list[Clinician],
                                      lambda: self.inner.clinicians(region))

    async def care_team(self, patient_id: str) -> CareGraph:
        return await self._cache.read("network", ("care-team", patient_id), CareGraph,
                                      lambda: self.inner.care_team(patient_id))

    async def put_clinician(self, clinician: Clinician) -> None:
        await self._write("network", self.inner.put_clinician(clinician))

    async def put_patient(self, patient_id: str, name: str) -> None:
        await self._write("network", self.inner.put_patient(patient_id, name))

    async def remove_patient(self, patient_id: str) -> None:
        await self._write("network", self.inner.remove_patient(patient_id))

    async def link(self, link: CareLink) -> None:
        await self._write("network", self.inner.link(link))

    async def unlink(self, link: CareLink) -> None:
        await self._write("network", self.inner.unlink(link))

    async def prepare(self, create: bool = False) -> list[str]:
        return await self.inner.prepare(create)

    async def health(self) -> StoreHealth:
        return await self._health("network")

    async def close(self) -> None:
        await self._close()
