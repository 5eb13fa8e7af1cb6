"""What the station-link drill writes to the store whose link it cuts, and how it finds each
write again afterwards: one kind of write per store, each write known by a key of its own, so
that the drill counts against its own record, never against what the store or the outbox say.

- vitals: a sample a write, for a bed of the drill's own (no ward shows it), keyed by its time
  to the millisecond (the InfluxDB backend's precision);
- patients: an audit-log entry a write (the log is append-only: they stay, as a drill's trace);
- network: a patient node a write, removed again at the end (`tidy`).
"""

from __future__ import annotations

import time
from typing import Protocol

from stores import Stores
from stores.model import AuditEntry, VitalSample

BY = "lab drill"  # who the drill's writes are made by


class DrillWrites(Protocol):
    async def write(self, n: int) -> str:
        """Make write number `n`; the key it is found by."""

    async def found(self, keys: list[str]) -> set[str]:
        """Of `keys`, those the store holds now."""

    async def tidy(self, keys: list[str]) -> None:
        """Take away what the drill wrote, where the store allows it."""


class VitalsWrites:
    def __init__(self, stores: Stores, run: str) -> None:
        self._store, self.bed = stores.vitals, f"drill-link-{run}"
        self._start = self._last = time.time()

    async def write(self, n: int) -> str:
        # one sample a millisecond at most: a second one there would replace the first
        at = self._last = max(round(time.time(), 3), round(self._last + 0.001, 3))
        await self._store.write([VitalSample(self.bed, at, heart_rate=60.0 + n % 40,
                                             simulated=True)])
        return f"{at:.3f}"

    async def found(self, keys: list[str]) -> set[str]:
        held = await self._store.history(self.bed, self._start - 1, time.time() + 1)
        return set(keys) & {f"{round(s.time, 3):.3f}" for s in held}

    async def tidy(self, keys: list[str]) -> None:
        """Samples are not deleted by the station: they age out with the retention policy."""


class PatientsWrites:
    def __init__(self, stores: Stores, run: str, region: str) -> None:
        self._store, self._run, self._region = stores.patients, run, region

    async def write(self, n: int) -> str:
        key = f"station-link drill {self._run} write {n}"
        await self._store.record(AuditEntry(time=time.time(), user=BY, action="lab drill write",
                                            patient_id="", detail=key), self._region)
        return key

    async def found(self, keys: list[str]) -> set[str]:
        entries = await self._store.audit_log(limit=len(keys) + 1000)
        return set(keys) & {entry.detail for entry in entries}

    async def tidy(self, keys: list[str]) -> None:
        """The audit log is append-only: the drill's entries stay."""


class NetworkWrites:
    def __init__(self, stores: Stores, run: str) -> None:
        self._store, self._run = stores.network, run

    async def write(self, n: int) -> str:
        key = f"drill-link-{self._run}-{n}"
        await self._store.put_patient(key, "Drill Patient")
        return key

    async def found(self, keys: list[str]) -> set[str]:
        return {key for key in keys
                if (await self._store.care_team(key)).node(key) is not None}

    async def tidy(self, keys: list[str]) -> None:
        for key in keys:
            await self._store.remove_patient(key)


def drill_writes(store: str, stores: Stores, run: str, region: str) -> DrillWrites:
    if store == "vitals":
        return VitalsWrites(stores, run)
    if store == "patients":
        return PatientsWrites(stores, run, region)
    return NetworkWrites(stores, run)
