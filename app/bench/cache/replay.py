"""The reads of a region's central stations, as `bench cache` replays them: what each station's
feeds ask of the patient and network stores, and the records nurses save, over ten simulated
minutes at SPEED times real time.

Each station shows one ward of the region: every WARD_REFRESH_S its patients feed reads the
ward's beds, its patients and the search list (`app.feeds.patients`), every CARE_TEAM_REFRESH_S
its care-team feed reads the selected patient's team (`app.feeds.care_network`), and every
SELECT_EVERY_S the nurse opens another patient (the record and its team). Every EDIT_EVERY_S one
station of the region saves a patient's record (the form reads it, saves it, renames the
patient in the care network and reloads the ward), in turn.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from stores.errors import Conflict
from stores.model import Patient
from stores.network import CareNetworkStore
from stores.patients import PatientStore

T = TypeVar("T")
SIMULATED_S = 600
SPEED = 100.0  # simulated seconds per real second; the cache's time to live is scaled alike
WARD_REFRESH_S = 10
CARE_TEAM_REFRESH_S = 15
SELECT_EVERY_S = 180
EDIT_EVERY_S = 120
USER = "bench"


@dataclass
class Replayed:
    """What the stations did in one replay."""

    reads: int = 0
    edits: int = 0
    conflicts: int = 0  # saves refused because the record read was not the latest
    read_ms: list[float] = field(default_factory=list)
    real_s: float = 0.0


@dataclass
class ReplayStation:
    """One station: its ward, its patients (in bed order) and its stores."""

    number: int
    region: str
    ward: str
    ward_patients: list[Patient]
    patients: PatientStore
    network: CareNetworkStore
    done: Replayed
    selected: str | None = None

    async def _read(self, read: Callable[[], Awaitable[T]]) -> T:
        started = time.perf_counter()
        answer = await read()
        self.done.read_ms.append((time.perf_counter() - started) * 1000.0)
        self.done.reads += 1
        return answer

    async def refresh_ward(self) -> None:
        await self._read(lambda: self.patients.beds(self.ward))
        await self._read(lambda: self.patients.search(self.region, self.ward))
        await self._read(lambda: self.patients.search(self.region, None, ""))

    async def select(self, turn: int) -> None:
        self.selected = self.ward_patients[(self.number + turn) % len(self.ward_patients)].id
        await self._read(lambda: self.patients.get(self.selected or ""))
        await self.refresh_care_team()

    async def refresh_care_team(self) -> None:
        if self.selected is not None:
            await self._read(lambda: self.network.care_team(self.selected or ""))

    async def edit(self, turn: int) -> None:
        patient = await self._read(lambda: self.patients.get(self.selected or ""))
        changed = dataclasses.replace(patient, notes=f"Bench edit {turn} at station {self.number}.")
        try:
            await self.patients.update(changed, USER)
        except Conflict:
            self.done.conflicts += 1
        self.done.edits += 1
        await self.network.put_patient(changed.id, changed.full_name)
        await self.refresh_ward()

    async def second(self, t: int) -> None:
        """What this station does in simulated second `t` (stations are spread over the
        refresh periods)."""
        local = t + self.number * 7
        if local % SELECT_EVERY_S == 0:
            await self.select(local // SELECT_EVERY_S)
        elif local % CARE_TEAM_REFRESH_S == 0:
            await self.refresh_care_team()
        if local % WARD_REFRESH_S == 0:
            await self.refresh_ward()


async def replay(stations: list[ReplayStation], simulated_s: int = SIMULATED_S) -> None:
    """Run every station's seconds, paced at SPEED; a second the stores make late is not
    caught up by hurrying the next ones (the time to live runs on real time)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for station in stations:
        await station.select(0)
    for t in range(simulated_s):
        jobs = [station.second(t) for station in stations]
        if t % EDIT_EVERY_S == EDIT_EVERY_S // 2:
            turn = t // EDIT_EVERY_S
            jobs.append(stations[turn % len(stations)].edit(turn))
        await asyncio.gather(*jobs)
        await asyncio.sleep(max(0.0, start + (t + 1) / SPEED - loop.time()))
    stations[0].done.real_s = loop.time() - start
