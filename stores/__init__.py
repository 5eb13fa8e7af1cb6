"""Where the station's data lives: `open_stores(config)` builds the five stores it is given.

A backend's driver is imported only when that backend is configured, so start-up stays fast.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stores.alerts import AlertBus
from stores.analytics import AnalyticsStore
from stores.errors import StoreUnavailable
from stores.model import StoreHealth
from stores.network import CareNetworkStore
from stores.patients import PatientStore
from stores.store import Store
from stores.urls import (
    EMBEDDED,
    StoreUrl,
    StoreUrlError,
    check_transport,
    insecurity,
    parse_store_url,
)
from stores.vitals import VitalsStore

if TYPE_CHECKING:
    from stores.cache import RegionCache
    from stores.embedded_db import EmbeddedDb

STORE_NAMES = ("vitals", "patients", "network", "analytics", "alerts")
DB_FILE_NAME = "ward-station.sqlite3"


@dataclass(frozen=True)
class StoreConfig:
    """Where each store lives: a URL per store, or "embedded" for the local SQLite file."""

    data_dir: Path
    urls: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STORE_NAMES, EMBEDDED))
    secrets: dict[str, str] = field(default_factory=dict, repr=False)  # store -> password/token
    # region -> its alarm signing keys (the signing one first), for a real alarm bus
    alarm_keys: Callable[[str], Sequence[bytes]] | None = field(default=None, repr=False)
    outbox_limit: int | None = None  # writes the outbox keeps per store; None: its default

    def url(self, store: str) -> StoreUrl | None:
        """The parsed URL of a real store, None for an embedded one; raises StoreUrlError."""
        text = self.urls.get(store, EMBEDDED)
        return None if text == EMBEDDED else parse_store_url(store, text)

    def insecure(self) -> dict[str, str]:
        """store -> why it is insecure (see `stores.urls.insecurity`), for the real stores that
        are; raises StoreUrlError."""
        found = {}
        for name in STORE_NAMES:
            url = self.url(name)
            why = insecurity(url, self.secrets.get(name)) if url is not None else None
            if why:
                found[name] = why
        return found

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILE_NAME


@dataclass
class Stores:
    vitals: VitalsStore
    patients: PatientStore
    network: CareNetworkStore
    analytics: AnalyticsStore
    alerts: AlertBus
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list, repr=False)
    # the Redis cache in front of the patient and network stores, where bootstrap put one
    cache: RegionCache | None = None

    def by_name(self) -> dict[str, Store]:
        return {name: getattr(self, name) for name in STORE_NAMES}

    async def health(self) -> list[StoreHealth]:
        return list(await asyncio.gather(*(s.health() for s in self.by_name().values())))

    def also_close(self, close: Callable[[], Awaitable[None]]) -> None:
        """Call `close` when the stores close: after the stores, before the embedded file."""
        self._closers.insert(0, close)

    async def close(self) -> None:
        try:
            for store in self.by_name().values():
                await store.close()
        finally:
            for close in self._closers:
                await close()


async def open_stores(config: StoreConfig) -> Stores:
    """Build the five stores named by `config`; real ones are built without waiting for their
    servers. Raises StoreUrlError (a ValueError) for a URL that cannot be used."""
    from stores.embedded_db import EmbeddedDb

    urls = {name: config.url(name) for name in STORE_NAMES}
    db = await EmbeddedDb.open(config.db_path)
    built: dict[str, Any] = {}  # name -> its store, of the interface that `Stores` names
    try:
        for name in STORE_NAMES:
            built[name] = await _open_one(name, urls[name], config, db)
    except BaseException:
        for store in built.values():
            await store.close()
        await db.close()
        raise
    return Stores(**built, _closers=[db.close])


async def _open_one(name: str, url: StoreUrl | None, config: StoreConfig,
                    db: EmbeddedDb) -> Store:
    """An embedded store, or a real one whose writes fall back to the outbox in `db`; the
    real one is built as its backend's spec says (`stores/backends.py`)."""
    if url is None:
        return _EMBEDDED_FACTORIES[name](db)
    secret = config.secrets.get(name)
    check_transport(url, secret)  # before anything could send the secret
    from stores.outbox import DEFAULT_LIMIT, Outbox

    spec = url.spec
    try:
        open_store = spec.open_store()
    except ImportError as exc:  # a driver missing from this installation
        raise StoreUnavailable(f"stores.{name}: the {url.scheme} backend cannot load "
                               f"({exc}); reinstall Ward Station with its dependencies") from None
    takes = {what: getattr(config, what) for what in spec.takes}
    store = spec.outbox_wrapper()(await open_store(url, secret, **takes), name, Outbox(db),
                                  config.outbox_limit or DEFAULT_LIMIT)
    store.courier.start()  # delivers what an earlier run left waiting
    return store


def _embedded_vitals(db: EmbeddedDb) -> VitalsStore:
    from stores.vitals.embedded import EmbeddedVitalsStore
    return EmbeddedVitalsStore(db)


def _embedded_patients(db: EmbeddedDb) -> PatientStore:
    from stores.patients.embedded import EmbeddedPatientStore
    return EmbeddedPatientStore(db)


def _embedded_network(db: EmbeddedDb) -> CareNetworkStore:
    from stores.network.embedded import EmbeddedCareNetworkStore
    return EmbeddedCareNetworkStore(db)


def _embedded_analytics(db: EmbeddedDb) -> AnalyticsStore:
    from stores.analytics.embedded import EmbeddedAnalyticsStore
    return EmbeddedAnalyticsStore(db)


def _embedded_alerts(db: EmbeddedDb) -> AlertBus:
    from stores.alerts.embedded import EmbeddedAlertBus
    return EmbeddedAlertBus(db)


_EMBEDDED_FACTORIES: dict[str, Callable[[EmbeddedDb], Store]] = {
    "vitals": _embedded_vitals,
    "patients": _embedded_patients,
    "network": _embedded_network,
    "analytics": _embedded_analytics,
    "alerts": _embedded_alerts,
}

__all__ = ["EMBEDDED", "STORE_NAMES", "StoreConfig", "StoreUrl", "StoreUrlError", "Stores",
           "open_stores", "parse_store_url"]
