"""Regional analytics: hourly rollups per ward, ward occupancy and the alarm archive, by region."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from stores.model import Alarm, Queued, WardHour, WardOccupancy
from stores.store import Store


class AnalyticsStore(Store):

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

    async def archive_alarms(self, alarms: Sequence[Alarm]) -> Queued | None:
        """Keep these resolved alarms, leaving the alarm bus: one record per alarm, keyed by
        region, the day and time it was raised and its id. Archiving an alarm again replaces its
        record unless the stored one is a later state (acknowledged or cleared later), so
        several stations may archive the same alarms. ValidationError for an alarm that could
        not be read back. `Queued` where the write waits in the outbox (not archived yet)."""
        raise NotImplementedError(f"{type(self).__name__} keeps no alarm archive")

    async def archived_alarms(self, region: str, since: float, until: float | None = None,
                              patient_id: str | None = None) -> list[Alarm]:
        """The region's archived alarms raised in since <= raised_at < until (None: up to
        now), oldest first (raised_at, then id); with `patient_id`, only that patient's (give
        the stay's times: only the days of the range are read)."""
        return []
