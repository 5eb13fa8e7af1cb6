"""The analytics store on a connected Cassandra session: prepared statements, paged reads."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Sequence
from functools import partial
from typing import TypeVar

from cassandra import ConsistencyLevel, InvalidRequest
from cassandra.cluster import Session
from cassandra.query import Statement

from stores.analytics import AnalyticsStore
from stores.analytics.alarm_archive import check_archivable
from stores.analytics.cassandra_bridge import Row, execute, gather_limited
from stores.analytics.cassandra_cluster import HostStates
from stores.analytics.cassandra_cql import (
    FIND_HOUR_COLUMNS,
    FIND_KEYSPACE,
    FIND_TABLES,
    PING,
    SUM_TYPES,
    TABLES,
    Statements,
    add_hour_column,
    create_keyspace,
    create_tables,
    simple,
)
from stores.analytics.cassandra_errors import (
    column_exists,
    is_driver_error,
    level_name,
    store_error,
)
from stores.analytics.cassandra_rows import (
    archived_rows,
    archived_values,
    days_between,
    hour_batches,
    millis,
    occupancy_row,
    occupancy_values,
    summed_hours,
)
from stores.analytics.cassandra_load import GOSSIP, loads
from stores.analytics.cassandra_settings import CassandraSettings
from stores.analytics.cassandra_totals import WriterTotals
from stores.errors import StoreUnavailable, ValidationError
from stores.model import Alarm, HealthState, StoreHealth, WardHour, WardOccupancy

log = logging.getLogger(__name__)

BACKEND = "cassandra"
LOAD_TIMEOUT_S = 2.0  # the nodes' load is a detail: the health check does not wait long for it
# Each node gossips its load once a minute: asked again after this long, not at every health
# check (every second while the Cluster tab is shown)
LOAD_EVERY_S = 30.0
MAX_DAYS = 3660  # partitions one `hours` call may read: ten years
SCHEMA_TIMEOUT_S = 30.0  # a schema change waits for every server to agree on it
T = TypeVar("T")
AHEAD_S = 86400.0  # archived alarms read "up to now" reach a day ahead: station clocks drift


def consistency(settings: CassandraSettings) -> tuple[str, ...]:
    """The levels in use, in words, for the cluster view."""
    return (f"writes: {level_name(settings.write_consistency)}",
            f"reads: {level_name(settings.read_consistency)}",
            "any node coordinates")


class CassandraAnalyticsStore(AnalyticsStore):
    """Regional analytics through `session`, a connected cassandra.cluster.Session."""

    def __init__(self, session: Session, settings: CassandraSettings, hosts: HostStates | None = None,
                 totals: WriterTotals | None = None) -> None:
        self._session = session
        self._settings = settings
        self._hosts = hosts or HostStates()
        self._totals = totals or WriterTotals()
        self._statements: Statements | None = None
        self._preparing = asyncio.Lock()
        self._writing = asyncio.Lock()  # each add_hours starts from the totals the last one stored
        self._loads: dict[str, float] = {}  # each node's load in bytes, by IP (cassandra_load)
        self._gossip_table = True  # the servers have system_views.gossip_info, as far as known
        self._loads_asked: float | None = None  # time.monotonic() of the last ask

    async def add_hours(self, rollups: Sequence[WardHour]) -> None:
        if not rollups:
            return
        async with self._writing:
            statements = await self._prepared()
            totals = self._totals.after(rollups)
            batches = hour_batches(statements.insert_hour, totals, self._totals.writer,
                                   self._settings.write_consistency)
            await self._call(gather_limited(partial(self._execute, b) for b in batches))
            self._totals.stored(totals)

    async def hours(self, region: str, start: float, end: float) -> list[WardHour]:
        days = days_between(start, end)
        if len(days) > MAX_DAYS:
            raise ValidationError("end", f"ask for at most {MAX_DAYS} days of hours at a time")
        if not days:
            return []
        select = (await self._prepared()).select_hours
        bounds = {"region": region, "from_hour": millis(start), "to_hour": millis(end)}
        reads = (partial(self._execute, select, bounds | {"day": day}) for day in days)
        pages = await self._call(gather_limited(reads))
        return summed_hours(region, (row for rows in pages for row in rows))

    async def record_occupancy(self, occupancy: Sequence[WardOccupancy]) -> None:
        if not occupancy:
            return
        statements = await self._prepared()
        regions = sorted({o.region for o in occupancy})
        writes = [partial(self._execute, statements.insert_region, {"region": r}) for r in regions]
        writes += [partial(self._execute, statements.insert_occupancy, occupancy_values(o))
                   for o in occupancy]
        await self._call(gather_limited(writes))

    async def occupancy(self) -> list[WardOccupancy]:
        statements = await self._prepared()
        listed = await self._call(self._execute(statements.select_regions, {}))
        regions = sorted(row["region"] for row in listed)
        pages = await self._call(gather_limited(
            partial(self._execute, statements.select_occupancy, {"region": r}) for r in regions))
        return [occupancy_row(region, row) for region, rows in zip(regions, pages)
                for row in sorted(rows, key=lambda row: row["ward"])]

    async def archive_alarms(self, alarms: Sequence[Alarm]) -> None:
        check_archivable(alarms)
        if not alarms:
            return
        insert = (await self._prepared()).insert_archived
        await self._call(gather_limited(
            partial(self._execute, insert, archived_values(alarm)) for alarm in alarms))

    async def archived_alarms(self, region: str, since: float, until: float | None = None,
                              patient_id: str | None = None) -> list[Alarm]:
        until = time.time() + AHEAD_S if until is None else until
        days = days_between(since, until)
        if len(days) > MAX_DAYS:
            raise ValidationError("since", f"ask for at most {MAX_DAYS} days of alarms at a time")
        select = (await self._prepared()).select_archived
        bounds = {"region": region, "from_raised": float(since), "to_raised": float(until)}
        pages = await self._call(gather_limited(
            partial(self._execute, select, bounds | {"day": day}) for day in days))
        return archived_rows(region, (row for rows in pages for row in rows), patient_id)

    async def prepare(self, create: bool = False) -> list[str]:
        missing, columns = await self._missing()
        if create and missing:
            changes = [create_keyspace(self._settings), *create_tables(self._settings)]
            changes += [add_hour_column(self._settings, name) for name in columns]
            for text in changes:
                await self._change(text)
        return missing

    async def _change(self, text: str) -> None:
        statement = simple(text, self._settings.write_consistency)
        try:
            await self._call(execute(self._session, statement, timeout_s=SCHEMA_TIMEOUT_S))
        except StoreUnavailable as exc:
            # Another station's `check --init` may add the same column first: that is done too.
            if not (text.startswith("ALTER") and column_exists(exc.__cause__)):
                raise

    async def _missing(self) -> tuple[list[str], list[str]]:
        """What is missing, in words, and the summed columns an existing ward_hours lacks."""
        keyspace = self._settings.keyspace
        tables = [f"table {keyspace}.{name}" for name in TABLES]
        if not await self._schema_rows(FIND_KEYSPACE):
            replication = ", ".join(f"{dc}: {n}" for dc, n in self._settings.replication)
            return [f"keyspace {keyspace} (NetworkTopologyStrategy {replication})", *tables], []
        found = {row["table_name"] for row in await self._schema_rows(FIND_TABLES)}
        missing = [text for name, text in zip(TABLES, tables) if name not in found]
        if "ward_hours" not in found:
            return missing, []  # created whole, with every column
        have = {row["column_name"] for row in await self._schema_rows(FIND_HOUR_COLUMNS)}
        columns = [name for name in SUM_TYPES if name not in have]
        return missing + [f"column {keyspace}.ward_hours.{name} ({SUM_TYPES[name]})"
                          for name in columns], columns

    async def _schema_rows(self, query: str) -> list[Row]:
        statement = simple(query, self._settings.read_consistency)
        return await self._call(execute(self._session, statement, [self._settings.keyspace],
                                        timeout_s=self._settings.timeout_s))

    async def health(self) -> StoreHealth:
        nodes = self._hosts.nodes(self._loads)  # the last loads known, while the ping fails
        started = time.perf_counter()
        try:
            await self._call(self._execute(simple(PING, ConsistencyLevel.ONE)))
        except StoreUnavailable as exc:
            return StoreHealth("analytics", BACKEND, HealthState.DOWN, reason=exc.reason,
                               nodes=nodes, consistency=self._consistency())
        except Exception as exc:  # health never raises: the status bar shows what it can
            return StoreHealth("analytics", BACKEND, HealthState.DOWN, nodes=nodes,
                               reason=f"health check failed ({type(exc).__name__})",
                               consistency=self._consistency())
        latency_ms = (time.perf_counter() - started) * 1000.0
        await self._read_loads()
        nodes = self._hosts.nodes(self._loads)
        down = [node for node in nodes if not node.up]
        state = HealthState.DEGRADED if down else HealthState.UP
        reason = f"{len(down)} of {len(nodes)} Cassandra nodes down" if down else ""
        return StoreHealth("analytics", BACKEND, state, latency_ms, reason, nodes,
                           consistency=self._consistency())

    async def _read_loads(self) -> None:
        """Each node's load, from gossip; the last known ones while no node tells."""
        now = time.monotonic()
        if not self._gossip_table or (self._loads_asked is not None
                                      and now - self._loads_asked < LOAD_EVERY_S):
            return
        self._loads_asked = now
        statement = simple(GOSSIP, ConsistencyLevel.ONE)
        try:
            rows = await execute(self._session, statement,
                                 timeout_s=min(self._settings.timeout_s, LOAD_TIMEOUT_S))
        except InvalidRequest:  # before Cassandra 4.1: no such table, so no load to show
            self._gossip_table = False
            return
        except Exception as exc:  # a node slow to tell: the health check says what matters
            log.debug("no Cassandra load this time: %s", type(exc).__name__)
            return
        self._loads = loads(rows)

    def _consistency(self) -> tuple[str, ...]:
        return consistency(self._settings)

    def read_at(self, level: int) -> None:
        """Read at `level` from now on (a trainer's switch; writes keep theirs)."""
        self._settings = dataclasses.replace(self._settings, read_consistency=level)
        if self._statements is not None:
            self._statements.read_at(level)

    async def close(self) -> None:
        """Nothing to do: the session belongs to whoever connected it."""

    async def _prepared(self) -> Statements:
        """The prepared statements, prepared once (in a thread: preparing blocks)."""
        async with self._preparing:
            if self._statements is None:
                statements = await self._call(
                    asyncio.to_thread(Statements.prepare, self._session, self._settings))
                statements.read_at(self._settings.read_consistency)  # switched meanwhile?
                self._statements = statements
        return self._statements

    async def _execute(self, statement: Statement,
                       values: dict[str, object] | None = None) -> list[Row]:
        if values is not None:
            statement = statement.bind(values)
        return await execute(self._session, statement, timeout_s=self._settings.timeout_s)

    async def _call(self, awaitable: Awaitable[T]) -> T:
        """Await a driver call; its failures become StoreUnavailable with a reason for people."""
        try:
            return await awaitable
        except Exception as exc:
            if is_driver_error(exc):
                raise store_error(exc, self._settings.addresses) from exc
            raise
