"""Where the station's data lives: `open_stores(config)` builds the five stores it is given.

A backend's driver is imported only when that backend is configured, so start-up stays fast.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from stores.alerts import AlertBus
from stores.analytics import AnalyticsStore
from stores.model import StoreHealth
from stores.network import CareNetworkStore
from stores.patients import PatientStore
from stores.vitals import VitalsStore

STORE_NAMES = ("vitals", "patients", "network", "analytics", "alerts")
EMBEDDED = "embedded"
DB_FILE_NAME = "ward-station.sqlite3"


@dataclass(frozen=True)
class StoreConfig:
    """Where each store lives: a URL per store, or "embedded" for the local SQLite file."""

    data_dir: Path
    urls: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STORE_NAMES, EMBEDDED))

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
    _closers: list = field(default_factory=list, repr=False)

    def by_name(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in STORE_NAMES}

    async def health(self) -> list[StoreHealth]:
        return list(await asyncio.gather(*(s.health() for s in self.by_name().values())))

    async def close(self) -> None:
        try:
            for store in self.by_name().values():
                await store.close()
        finally:
            for close in self._closers:
                await close()


async def open_stores(config: StoreConfig) -> Stores:
    """Build the five stores named by `config`. Raises ValueError for a backend that is unknown."""
    for name in STORE_NAMES:
        url = config.urls.get(name, EMBEDDED)
        if url != EMBEDDED:
            raise ValueError(f"stores.{name}: only 'embedded' is supported in this version, not {url!r}")
    from stores.alerts.embedded import EmbeddedAlertBus
    from stores.analytics.embedded import EmbeddedAnalyticsStore
    from stores.embedded_db import EmbeddedDb
    from stores.network.embedded import EmbeddedCareNetworkStore
    from stores.patients.embedded import EmbeddedPatientStore
    from stores.vitals.embedded import EmbeddedVitalsStore

    db = await EmbeddedDb.open(config.db_path)
    return Stores(
        vitals=EmbeddedVitalsStore(db),
        patients=EmbeddedPatientStore(db),
        network=EmbeddedCareNetworkStore(db),
        analytics=EmbeddedAnalyticsStore(db),
        alerts=EmbeddedAlertBus(db),
        _closers=[db.close],
    )
