"""Ward feed: one ward's beds and the patients in them, read again every few seconds; on its own
for a screen that shows a ward's beds but not its records (the second screen), and the base of
the patients feed, which also searches."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from stores.model import Ward
from stores.patients import PatientStore

REFRESH_S = 10.0


async def read_ward(patients: PatientStore, region: str, ward: str) -> Ward:
    """The ward as it is now: its beds in grid order and the patient in each occupied one."""
    beds = await patients.beds(ward)
    in_ward = await patients.search(region, ward)
    return Ward(tuple(beds), {p.bed_id: p for p in in_ward if p.bed_id})


class WardFeed(Feed):
    """Emits `ward_loaded(Ward)` at start and whenever the ward's beds or patients change."""

    title = "Ward"
    ward_loaded = Signal(object)  # Ward: the ward as it is now

    def __init__(self, patients: PatientStore, region: str, ward: str,
                 refresh_s: float = REFRESH_S) -> None:
        super().__init__()
        self._patients, self.region, self.ward = patients, region, ward
        self._refresh_s = refresh_s
        self._ward_state: Ward | None = None

    def start(self) -> None:
        self.supervise(self._keep_ward_fresh)

    async def _keep_ward_fresh(self) -> None:
        while True:
            await self.reload()
            await asyncio.sleep(self._refresh_s)

    async def reload(self) -> None:
        """Read the ward again; emit it if it changed."""
        with self.reporting():
            await self._read_ward()

    async def _read_ward(self) -> None:
        ward = await read_ward(self._patients, self.region, self.ward)
        if ward != self._ward_state:
            self._ward_state = ward
            self.ward_loaded.emit(ward)
