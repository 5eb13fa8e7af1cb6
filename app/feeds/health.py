"""Health feed: every store's state and round-trip latency, for the status bar."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from stores.model import HealthState, StoreHealth

if TYPE_CHECKING:
    from stores import Stores


class HealthFeed(Feed):
    title = "Store health checks"
    health_changed = Signal(object)  # list[StoreHealth], one per store

    def __init__(self, stores: Stores, refresh_s: float = 2.0) -> None:
        super().__init__()
        self._stores = stores
        self._refresh_s = refresh_s

    def start(self) -> None:
        self.supervise(self._run)

    async def _run(self) -> None:
        while True:
            checks = [self._check(name, store) for name, store in self._stores.by_name().items()]
            self.health_changed.emit(list(await asyncio.gather(*checks)))
            await asyncio.sleep(self._refresh_s)

    @staticmethod
    async def _check(name: str, store) -> StoreHealth:
        try:
            return await asyncio.wait_for(store.health(), timeout=5.0)
        except Exception as exc:  # a health check that fails is itself the answer
            reason = "no answer within 5 s" if isinstance(exc, TimeoutError) else str(exc)
            return StoreHealth(store=name, backend="?", state=HealthState.DOWN, reason=reason)
