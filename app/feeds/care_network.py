"""Care-network feed: the selected patient's care team, two hops out."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from stores.model import CareGraph
from stores.network import CareNetworkStore


class CareNetworkFeed(Feed):
    title = "Care team"
    graph_loaded = Signal(object)  # CareGraph of the selected patient

    def __init__(self, store: CareNetworkStore, refresh_s: float = 15.0) -> None:
        super().__init__()
        self._store = store
        self._refresh_s = refresh_s
        self._patient_id: str | None = None
        self._shown: CareGraph | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        self.supervise(self._run)

    def select_patient(self, patient_id: str | None) -> None:
        self._patient_id = patient_id
        self._wake.set()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            if self._patient_id is not None:
                with self.reporting():
                    graph = await self._store.care_team(self._patient_id)
                    if graph != self._shown and graph.focus_id == self._patient_id:
                        self._shown = graph
                        self.graph_loaded.emit(graph)
            await self.wait_or_wake(self._wake, self._refresh_s)
