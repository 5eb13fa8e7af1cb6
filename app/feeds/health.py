"""Health feed: every store's state, round-trip latency and nodes, for the status bar and the
cluster view."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from stores.model import HealthState, StoreHealth

if TYPE_CHECKING:
    from stores import Stores


CHECK_TIMEOUT_S = 5.0


class HealthFeed(Feed):
    title = "Store health checks"
    health_changed = Signal(object)  # list[StoreHealth], one per store

    def __init__(self, stores: Stores, refresh_s: float = 2.0,
                 check_timeout_s: float = CHECK_TIMEOUT_S) -> None:
        super().__init__()
        self._stores = stores
        self.refresh_s = refresh_s
        self._check_timeout_s = check_timeout_s
        self._wake = asyncio.Event()

    def set_refresh(self, seconds: float) -> None:
        """Ask every `seconds` from now on (the cluster view, when shown: once a second), and
        once at once."""
        self.refresh_s = seconds
        self._wake.set()

    def check_now(self) -> None:
        """Ask every store at once (a setting was switched: show what it uses now)."""
        self._wake.set()

    def start(self) -> None:
        self.supervise(self._run)

    async def _run(self) -> None:
        """Every `refresh_s`, each store's latest answer: a store whose check is still out (a
        frozen server, up to the check's 5 s) keeps its last one, and delays no other store's.
        The first round waits for every store, so that none is missing from it."""
        stores = self._stores.by_name()
        latest: dict[str, StoreHealth] = {}
        asking: dict[str, asyncio.Task] = {}
        while True:
            started = time.monotonic()
            for name, store in stores.items():
                if name not in asking:
                    asking[name] = self.spawn(self._check(name, store, self._check_timeout_s))
            first = len(latest) < len(stores)
            await asyncio.wait(set(asking.values()), timeout=None if first else self.refresh_s)
            for name, task in list(asking.items()):
                if task.done():
                    latest[name] = task.result()
                    del asking[name]
            self.health_changed.emit([latest[name] for name in stores if name in latest])
            left = self.refresh_s - (time.monotonic() - started)
            await self.wait_or_wake(self._wake, max(0.0, left))

    @staticmethod
    async def _check(name: str, store, timeout_s: float) -> StoreHealth:
        try:
            async with asyncio.timeout(timeout_s):
                return await store.health()
        except Exception as exc:  # a health check that fails is itself the answer
            reason = (f"no answer within {timeout_s:g} s" if isinstance(exc, TimeoutError)
                      else str(exc))
            return StoreHealth(store=name, backend="?", state=HealthState.DOWN, reason=reason)
