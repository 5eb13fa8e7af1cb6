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
from collections.abc import AsyncIterator

from stores.alerts import AlertBus
from stores.alerts.codec import alarm_from_dict, alarm_to_dict
from stores.embedded_db import EmbeddedDb
from stores.errors import NotFound, StoreUnavailable, ValidationError
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

    async def publish(self, alarm: Alarm) -> None:
        for name in ("id", "region"):
            if not getattr(alarm, name).strip():
                raise ValidationError(name, "Required.")
        async with self._publishing:
            self._check_open()
            kept, changed = await self._db.write(lambda conn: _keep(conn, alarm))
            if changed:
                self._deliver(kept)

    async def acknowledge(self, alarm_id: str, by: str, at: float) -> Alarm:
        def acknowledge(conn: sqlite3.Connection) -> tuple[Alarm, bool]:
            stored = _find(conn, alarm_id)
            if stored is None:
                raise NotFound(f"No alarm has the id {alarm_id}.")
            if stored.acknowledged:
                return stored, False
            return _keep(conn, stored.acknowledge(by, at))[0], True

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
        return await self._db.read(lambda conn: _alarms(conn, sql, (region,)))

    async def history(self, region: str, since: float) -> list[Alarm]:
        sql = "SELECT record FROM alarms WHERE region = ? AND raised_at >= ? ORDER BY raised_at, id"
        return await self._db.read(lambda conn: _alarms(conn, sql, (region, since)))

    def subscribe(self, region: str) -> AsyncIterator[Alarm]:
        return _Subscription(None if self._closed else self._subscribers[region])

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


class _Subscription:
    """One consumer's queue of a region's alarms.

    Registered when made, not when first iterated: whatever is published after `subscribe()`
    returns is delivered, even to a consumer that has not started iterating yet.
    """

    _END = object()

    def __init__(self, subscribers: weakref.WeakSet[_Subscription] | None) -> None:
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._subscribers = subscribers
        self._ended = subscribers is None  # subscribed to a closed bus: nothing will come
        if subscribers is not None:
            subscribers.add(self)

    def __aiter__(self) -> _Subscription:
        return self

    async def __anext__(self) -> Alarm:
        if self._ended:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is self._END:
            self._ended = True
            raise StopAsyncIteration
        return item

    async def aclose(self) -> None:
        """Stop now; alarms still queued are dropped (the consumer asked to stop)."""
        self._ended = True
        self.end()

    def put(self, alarm: Alarm) -> None:
        self._queue.put_nowait(alarm)

    def end(self) -> None:
        """Stop after the alarms already queued."""
        if self._subscribers is not None:
            self._subscribers.discard(self)
            self._subscribers = None
            self._queue.put_nowait(self._END)


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
    row = conn.execute("SELECT record FROM alarms WHERE id = ?", (alarm_id,)).fetchone()
    return None if row is None else alarm_from_dict(json.loads(row["record"]))


def _alarms(conn: sqlite3.Connection, sql: str, args: tuple) -> list[Alarm]:
    return [alarm_from_dict(json.loads(row["record"])) for row in conn.execute(sql, args)]
