"""Regional analytics on Cassandra (multi-datacenter), opened without waiting for the servers.

How rollups "merge by addition" here. Four ways were weighed:
- counter columns (`SET alarms = alarms + ?`): counters hold integers only (the heart-rate and
  SpO2 sums are floats), live in counter-only tables, and are not idempotent: a write that timed
  out may or may not have been applied, the driver never retries one, and re-sending it (our
  outbox re-sends what failed) may count it twice;
- read-modify-write of one shared row per (ward, hour): two stations adding at once lose an
  update unless every write is a lightweight transaction (Paxos, four round trips, SERIAL
  consistency across datacenters), and a re-sent delta still counts twice;
- one row per contribution, summed on read: idempotent for a driver retry, but every flush adds
  a row (a station flushes each minute), so reads grow with writes, and a delta re-sent after a
  failed call gets a new row;
- chosen: one row per *writer* (a store opened by a station) holding that writer's running total
  of the ward's hour. A row has one writer, so the writer adds to the total it last stored
  without any race, and writes the whole total: writing it again - a driver retry, a speculative
  execution, the outbox re-sending a delta whose write failed half-way - changes nothing.
  `hours` adds up the few writers' rows of each (ward, hour). See cassandra_totals.py.

Partitioning: region is in every key. Hours are partitioned by (region, day) and clustered by
hour, ward, writer, so `hours(region, start, end)` reads only the partitions of those days;
occupancy is partitioned by region, with the regions listed in one small partition, so nothing
scans a table. The newest occupancy wins through the write timestamp (the reading's own time),
so a late, older reading cannot overwrite a newer one and no read is needed before a write.

Consistency is per statement: writes at LOCAL_QUORUM and reads at LOCAL_ONE by default
(`write_consistency`, `read_consistency` in the URL); a trainer may switch the reads' level
while the station runs (`cassandra_teaching.py`: ONE, LOCAL_QUORUM, ALL). Statements are prepared once, in a thread;
requests go through `execute_async`, bridged to asyncio (cassandra_bridge.py), page by page.
The reactor the driver runs its I/O on is chosen in cassandra_cluster.py.

URL: cassandra://[user@]c1,c2:9042/ward_analytics?dc=dc1 with options replication=dc1:3,dc2:3
(for `prepare(create=True)`), write_consistency, read_consistency, tls=true&ca=PATH,
check_hostname, timeout (seconds), fetch_size. The password comes as `secret`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from stores.analytics import AnalyticsStore
from stores.analytics.cassandra_connect import Connector
from stores.analytics.cassandra_settings import CassandraSettings
from stores.analytics.cassandra_store import BACKEND, CassandraAnalyticsStore, consistency
from stores.analytics.cassandra_teaching import level_of, read_setting
from stores.errors import StoreUnavailable
from stores.model import (
    Alarm,
    HealthState,
    StoreHealth,
    TeachingSetting,
    WardHour,
    WardOccupancy,
)
from stores.store import chosen
from stores.urls import StoreUrl

log = logging.getLogger(__name__)


async def open_store(url: StoreUrl, secret: str | None) -> AnalyticsStore:
    """The analytics store at `url`; connects in the background and never waits for Cassandra.
    Raises StoreUrlError for options that cannot be used."""
    settings = CassandraSettings.from_url(url)
    connector = Connector(settings, secret)
    connector.start()
    return CassandraAnalytics(settings, connector)


class CassandraAnalytics(AnalyticsStore):
    """The store while the connection comes and goes: StoreUnavailable until it is there."""

    def __init__(self, settings: CassandraSettings, connector: Connector) -> None:
        self._settings = settings
        self._configured_read = settings.read_consistency  # the URL's, before any switch
        self._connector = connector
        self._store: CassandraAnalyticsStore | None = None

    async def _connected(self) -> CassandraAnalyticsStore:
        session = await self._connector.session()
        if self._store is None:
            self._store = CassandraAnalyticsStore(session, self._settings, self._connector.hosts)
        return self._store

    async def add_hours(self, rollups: Sequence[WardHour]) -> None:
        if rollups:
            await (await self._connected()).add_hours(rollups)

    async def hours(self, region: str, start: float, end: float) -> list[WardHour]:
        return await (await self._connected()).hours(region, start, end)

    async def record_occupancy(self, occupancy: Sequence[WardOccupancy]) -> None:
        if occupancy:
            await (await self._connected()).record_occupancy(occupancy)

    async def occupancy(self) -> list[WardOccupancy]:
        return await (await self._connected()).occupancy()

    async def archive_alarms(self, alarms: Sequence[Alarm]) -> None:
        if alarms:
            await (await self._connected()).archive_alarms(alarms)

    async def archived_alarms(self, region: str, since: float, until: float | None = None,
                              patient_id: str | None = None) -> list[Alarm]:
        return await (await self._connected()).archived_alarms(region, since, until, patient_id)

    async def prepare(self, create: bool = False) -> list[str]:
        return await (await self._connected()).prepare(create)

    async def health(self) -> StoreHealth:
        if not self._connector.connected:
            return StoreHealth("analytics", BACKEND, HealthState.DOWN,
                               reason=self._connector.reason, nodes=self._connector.waiting_nodes(),
                               consistency=consistency(self._settings))
        try:
            store = await self._connected()
        except StoreUnavailable as exc:  # closed meanwhile
            return StoreHealth("analytics", BACKEND, HealthState.DOWN, reason=exc.reason)
        return await store.health()

    def teaching_settings(self) -> tuple[TeachingSetting, ...]:
        return (read_setting(self._configured_read, self._settings.read_consistency),)

    async def apply_teaching_setting(self, key: str, value: str) -> TeachingSetting:
        """Reads at another level (`read_consistency`), from the next read on; the session,
        its prepared statements and the writes' level stay as they are."""
        chosen(self.teaching_settings(), key, value)
        level = level_of(value)
        self._settings = dataclasses.replace(self._settings, read_consistency=level)
        if self._store is not None:
            self._store.read_at(level)
        log.info("Analytics store: reads at %s from now on", value)
        return self.teaching_settings()[0]

    async def close(self) -> None:
        await self._connector.close()
