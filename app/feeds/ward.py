"""Ward feed: one ward's beds and the patients in them, read again every few seconds; for a
screen that shows a ward's beds but not its records (the second screen)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from stores.model import Ward
from stores.patients import PatientStore

REFRESH_S = 10.0  # as the patients feed reads the station's own ward


async def read_ward(patients: PatientStore, region: str, ward: str) -> Ward:
    """The ward as it is now: its beds in grid order and the patient in each occupied one."""
    beds = await patients.beds(ward)
    in_ward = await patients.search(region, ward)
    return Ward(tuple(beds), {p.bed_id: p for p in in_ward if p.bed_id})


class WardFeed(Feed):
    """Emits `ward_loaded(Ward)` at start and whenever the ward's beds or patients change."""

    ward_loaded = Signal(object)  # Ward

    def __init__(self, patients: PatientStore, region: str, ward: str,
                 refresh_s: float = REFRESH_S) -> None:
        super().__init__()
        self.title = f"Ward {ward}"  # the technical alarm of a feed that stopped names it
        self._patients, self.region, self.ward = patients, region, ward
        self._refresh_s = refresh_s
        self._state: Ward | None = None

    def start(self) -> None:
        self.supervise(self._keep_fresh)

    async def _keep_fresh(self) -> None:
        while True:
            await self.reload()
            await asyncio.sleep(self._refresh_s)

    async def reload(self) -> None:
        with self.reporting():
            ward = await read_ward(self._patients, self.region, self.ward)
            if ward != self._state:
                self._state = ward
                self.ward_loaded.emit(ward)
