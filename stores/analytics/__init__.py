"""Regional analytics: hourly rollups per ward and ward occupancy, partitioned by region."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from stores.model import StoreHealth, WardHour, WardOccupancy


class AnalyticsStore(abc.ABC):

    @abc.abstractmethod
    async def add_hours(self, rollups: Sequence[WardHour]) -> None:
        """Merge rollups into the stored ones of the same (region, ward, hour) by addition."""

    @abc.abstractmethod
    async def hours(self, region: str, start: float, end: float) -> list[WardHour]:
        """A region's rollups with start <= hour < end, by hour then ward."""

    @abc.abstractmethod
    async def record_occupancy(self, occupancy: Sequence[WardOccupancy]) -> None:
        """Record the current occupancy of wards (the newest per ward wins)."""

    @abc.abstractmethod
    async def occupancy(self) -> list[WardOccupancy]:
        """The newest occupancy of every ward, by region then ward."""

    async def prepare(self, create: bool = False) -> list[str]:
        """What the server lacks of this store's schema (database, indexes, constraints, tables),
        in words; with `create`, create it first (idempotent). The embedded store needs none."""
        return []

    @abc.abstractmethod
    async def health(self) -> StoreHealth: ...

    @abc.abstractmethod
    async def close(self) -> None: ...
