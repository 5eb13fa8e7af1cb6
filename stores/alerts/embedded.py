"""The in-process alarm bus: live delivery to this station's subscribers, kept in the SQLite file.

Every version published is saved before it is delivered, so the banner and the history come back
after a restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

from stores.alarm_codec import alarm_from_dict, alarm_to_dict, publishable
from stores.alerts import ARCHIVE_BATCH, AlertBus, archivable
from stores.alerts.subscription import AlarmQueue
from stores.embedded_db import EmbeddedDb
from stores.errors import NotFound, StoreUnavailable
from stores.model import Alarm, StoreHealth

_SAVE = (
    "INSERT OR REPLACE INTO alarms (id, region, raised_at, needs_attention, record) "
    "VALUES (?, ?, ?, ?, ?)"
)


class EmbeddedAlertBus(AlertBus):
    def __init__(self, db: EmbeddedDb) -> None:
        self._db = db
        # Weak: a subscription its consumer dropped without closing leaves by itself.
        self._subscribers: defaultdict[str, weakref.WeakSet[_Subscription]] = defaultdict(
            weakref.WeakSet
        )
        # One publication at a time, so every subscriber sees the versions in publish order.
        self._publishing = asyncio.Lock()
        self._closed = False
        self._refused: dict[str, dict[str, None]] = {}  # region -> why rows did not read

    async def publish(self, alarm: Alarm) -> None:
        publishable(alarm)
        async with self._publishing:
            self._check_open()
            kept, changed = await self._db.write(lambda conn: _keep(conn, alarm))
            if changed:
                self._deliver(kept)

    async def acknowledge(self, alarm_id: str, by: str, at: float,
                          region: str | None = None) -> Alarm:
        def acknowledge(conn: sqlite3.Connection) -> tuple[Alarm, bool]:
            stored = _find(conn, alarm_id)
            if stored is None:
                raise NotFound(f"No alarm has the id {alarm_id}.")
            if stored.acknowledged:
                return stored, False
            acknowledged = stored.acknowledge(by, at)
            publishable(acknowledged)
            return _keep(conn, acknowledged)[0], True

        async with self._publishing:
            self._check_open()
            alarm, changed = await self._db.write(acknowledge)
            if changed:
                self._deliver(alarm)
        return alarm

    async def active(self, region: str) -> list[Alarm]:
        sql = (
            "SELECT record FROM alarms WHERE region = ? AND needs_attention = 1 "
            "ORDER BY raised_at, id"
        )
        return self._counted(region, await self._db.read(lambda conn: _alarms(conn, sql, (region,))))

    async def history(self, region: str, since: float) -> list[Alarm]:
        sql = "SELECT record FROM alarms WHERE region = ? AND raised_at >= ? ORDER BY raised_at, id"
        return self._counted(
            region, await self._db.read(lambda conn: _alarms(conn, sql, (region, since))))

    async def resolved_before(self, region: str, cutoff: float,
                              limit: int = ARCHIVE_BATCH) -> list[Alarm]:
        sql = ("SELECT record FROM alarms WHERE region = ? AND raised_at < ? "
               "AND needs_attention = 0 ORDER BY raised_at, id")
        alarms = self._counted(
            region, await self._db.read(lambda conn: _alarms(conn, sql, (region, cutoff))))
        return [alarm for alarm in alarms if archivable(alarm, cutoff)][:limit]

    async def prune(self, region: str, alarms: Sequence[Alarm]) -> int:
        def prune(conn: sqlite3.Connection) -> int:
            removed = 0
            for alarm in alarms:
                if alarm.region == region and _kept_as(conn, alarm):
                    conn.execute("DELETE FROM alarms WHERE id = ?", (alarm.id,))
                    removed += 1
            return removed

        async with self._publishing:  # a version being published now is not removed under it
            self._check_open()
            return await self._db.write(prune) if alarms else 0

    def subscribe(self, region: str) -> AsyncIterator[Alarm]:
        return _Subscription(None if self._closed else self._subscribers[region])

    def unreadable_messages(self, region: str) -> tuple[int, str]:
        """Rows of the region's alarms that did not read (counted once each)."""
        reasons = self._refused.get(region, {})
        return len(reasons), next(reversed(reasons), "")

    def _counted(self, region: str, read: tuple[list[Alarm], list[str]]) -> list[Alarm]:
        alarms, refused = read
        seen = self._refused.setdefault(region, {})
        for reason in refused:
            seen.setdefault(reason)
        return alarms

    async def health(self) -> StoreHealth:
        return await self._db.health("alerts")

    async def close(self) -> None:
        """End every subscription; each consumer still gets what was published before."""
        self._closed = True
        for subscribers in self._subscribers.values():
            for subscription in list(subscribers):
                subscription.end()
        self._subscribers.clear()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreUnavailable("closed")

    def _deliver(self, alarm: Alarm) -> None:
        for subscription in list(self._subscribers.get(alarm.region, ())):
            subscription.put(alarm)


class _Subscription(AlarmQueue):
    """One consumer's queue of a region's alarms, registered when made."""

    def __init__(self, subscribers: weakref.WeakSet[_Subscription] | None) -> None:
        super().__init__()
        self._subscribers = subscribers
        if subscribers is None:  # subscribed to a closed bus: nothing will come
            self.end()
        else:
            subscribers.add(self)

    def _detach(self) -> None:
        if self._subscribers is not None:
            self._subscribers.discard(self)
            self._subscribers = None


def _keep(conn: sqlite3.Connection, alarm: Alarm) -> tuple[Alarm, bool]:
    """Save this version, keeping a stored acknowledgement: the first one is the one that counts,
    and a publisher's copy made before the acknowledgement must not undo it. False with the
    stored alarm when nothing changed (the same version published again)."""
    stored = _find(conn, alarm.id)
    if stored is not None and stored.acknowledged:
        alarm = dataclasses.replace(
            alarm, acknowledged_by=stored.acknowledged_by, acknowledged_at=stored.acknowledged_at
        )
    if alarm == stored:
        return stored, False
    record = json.dumps(alarm_to_dict(alarm))
    conn.execute(_SAVE, (alarm.id, alarm.region, alarm.raised_at, alarm.is_open, record))
    return alarm, True


def _find(conn: sqlite3.Connection, alarm_id: str) -> Alarm | None:
    """The stored alarm; None if there is none, or if its row does not read (a bug, a file
    edited by hand): a new version then takes its place rather than failing for ever."""
    row = conn.execute("SELECT record FROM alarms WHERE id = ?", (alarm_id,)).fetchone()
    try:
        return None if row is None else alarm_from_dict(json.loads(row["record"]))
    except (ValueError, RecursionError):
        return None


def _kept_as(conn: sqlite3.Connection, alarm: Alarm) -> bool:
    """Whether the alarm's stored version is this one (a row that does not read is not)."""
    try:
        return _find(conn, alarm.id) == alarm
    except (ValueError, RecursionError):
        return False


def _alarms(conn: sqlite3.Connection, sql: str,
            args: tuple[object, ...]) -> tuple[list[Alarm], list[str]]:
    """The alarms the rows hold, and why each row that does not read was skipped: one bad row
    (a bug, a file edited by hand) must not hide the others."""
    alarms, refused = [], []
    for row in conn.execute(sql, args):
        try:
            alarms.append(alarm_from_dict(json.loads(row["record"])))
        except (ValueError, RecursionError, OverflowError) as exc:
            refused.append(str(exc)[:200])
    return alarms, refused
