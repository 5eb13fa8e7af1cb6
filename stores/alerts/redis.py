"""The alarm bus on Redis, directly or through Sentinel.

Every alarm version of a region goes to a hash (latest versions), a capped stream (backfill after
a reconnect) and a pub/sub channel (live delivery), in one Lua script.

URLs: `redis://[user@]host:6379/0`, `rediss://...` (TLS), `redis+sentinel://s1:26379,s2:26379/
mymaster[/db]` and `rediss+sentinel://...`. The password is the store's secret, also given to the
Sentinels unless `?sentinel_auth=false`. Options:
- `wait_replicas=1`, `wait_timeout_ms=500`: after writing a HIGH priority alarm (or the
  acknowledgement of one), `WAIT` for that many replicas (at most those connected). Where
  replicas are expected (Sentinel, `wait_replicas` in the URL, or one seen before), a critical
  alarm with none connected is unconfirmed too; a plain redis:// that never had a replica stays
  UP and says critical alarms are not replicated. If they do not confirm in time the alarm stays written
  and delivered (calling it failed would make the outbox publish it twice): a warning is logged,
  the id is kept in `unconfirmed`, and health says DEGRADED for five minutes or until a later
  critical alarm is confirmed. `wait_replicas=0` turns waiting off.
- `stream_maxlen=10000`: entries kept per region stream (`XADD MAXLEN ~`): how far back a
  station that was away can catch up.
- `timeout_ms=5000`: longest a call may take before it raises StoreUnavailable.
- `tls_ca`, `tls_cert`, `tls_key` (paths), `tls_verify=false`, `tls_check_hostname=false`.

Keys are in `stores.alerts.redis_scripts`. An ACL user needs, on keys and channels `ward:*`:
EVALSHA and SCRIPT LOAD, HGET, HMGET, SMEMBERS, ZRANGEBYSCORE, XREAD, XREVRANGE, SUBSCRIBE,
PING, INFO and WAIT.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from stores.alerts import AlertBus
from stores.alerts.redis_conn import Connection, read_settings
from stores.alerts.redis_feed import RegionReader
from stores.alerts.redis_subscription import Key, Subscription
from stores.alerts.redis_health import ReplicaWatch, bus_health, server_problems
from stores.alerts.redis_scripts import (
    ACKNOWLEDGE, PUBLISH, REGION_OF, RegionKeys, acknowledge_args, entry_key, merged,
    publish_args,
)
from stores.errors import NotFound, StoreUnavailable, ValidationError
from stores.model import Alarm, HealthState, Priority, StoreHealth
from stores.urls import StoreUrl

DRAIN_AT_CLOSE_S = 1.0


async def open_store(url: StoreUrl, secret: str | None) -> RedisAlertBus:
    """The bus for `url`; nothing connects until the first call (the server may be down)."""
    return RedisAlertBus(Connection(read_settings(url), secret))


class RedisAlertBus(AlertBus):
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._settings = conn.settings
        self._publish = conn.client.register_script(PUBLISH)
        self._acknowledge = conn.client.register_script(ACKNOWLEDGE)
        self._readers: dict[str, RegionReader] = {}
        self._written: dict[str, Key] = {}  # region -> newest stream entry this bus wrote
        self._channels_down: dict[str, str] = {}  # region -> why its reader is not following
        self.replicas = ReplicaWatch(self._settings)
        self._closed = False

    @property
    def unconfirmed(self) -> list[str]:
        """Ids of critical alarms written but not confirmed by a replica in time."""
        return list(self.replicas.unconfirmed)

    async def publish(self, alarm: Alarm) -> None:
        for name in ("id", "region"):
            if not getattr(alarm, name).strip():
                raise ValidationError(name, "Required.")
        self._check_open()
        keys, args = publish_args(alarm, RegionKeys(alarm.region), self._settings.stream_maxlen)
        async with self._conn.calling(self._write_timeout()):
            await self._position(alarm.region)
            entry, _ = await self._write(keys, args, self._publish, alarm.priority, alarm.id)
        if entry:  # empty: this very version was stored already, nothing was written
            self._wrote(alarm.region, entry)

    async def acknowledge(self, alarm_id: str, by: str, at: float) -> Alarm:
        self._check_open()
        async with self._conn.calling(self._write_timeout()):
            region = await self._conn.client.hget(REGION_OF, alarm_id)
            if region is None:
                raise NotFound(f"No alarm has the id {alarm_id}.")
            await self._position(region)
            keys, args = acknowledge_args(alarm_id, by, at, RegionKeys(region),
                                          self._settings.stream_maxlen)
            answer = await self._write(keys, args, self._acknowledge, None, alarm_id)
        if answer is None:
            raise NotFound(f"No alarm has the id {alarm_id}.")
        alarm_json, ack_json, entry = answer
        if entry:
            self._wrote(region, entry)
        return merged(alarm_json, ack_json)

    async def active(self, region: str) -> list[Alarm]:
        keys = RegionKeys(region)
        async with self._conn.calling():
            ids = list(await self._conn.client.smembers(keys.attention))
            alarms = await self._latest(keys, ids)
        return sorted(alarms, key=lambda a: (a.raised_at, a.id))

    async def history(self, region: str, since: float) -> list[Alarm]:
        keys = RegionKeys(region)
        async with self._conn.calling():
            # a sorted set orders equal scores by member: raised_at, then id, as wanted
            ids = await self._conn.client.zrangebyscore(keys.raised, since, "+inf")
            return await self._latest(keys, ids)

    def subscribe(self, region: str) -> AsyncIterator[Alarm]:
        if self._closed:
            return Subscription(None, None)
        reader = self._readers.get(region)
        if reader is None:
            reader = self._readers[region] = RegionReader(
                self._conn, region, lambda why: self._channel_state(region, why))
        floors = [k for k in (reader.last, self._written.get(region)) if k is not None]
        return Subscription(reader, max(floors) if floors else None)

    def channel_problem(self, region: str) -> str | None:
        """Why the region's live channel is not followed right now (None while it is): known
        within about two seconds of the link going, before any call fails."""
        return self._channels_down.get(region)

    async def prepare(self, create: bool = False) -> list[str]:
        """Redis needs no schema; what it lacks is a version with streams (5.0)."""
        async with self._conn.calling():
            info = await self._conn.client.info("server")
        return server_problems(info)

    def unreadable_messages(self, region: str) -> tuple[int, str]:
        reader = self._readers.get(region)
        return (reader.unreadable, reader.last_problem) if reader is not None else (0, "")

    async def health(self) -> StoreHealth:
        if self._closed:
            return StoreHealth("alerts", "redis", HealthState.DOWN, reason="closed")
        problems = [f"alarm channel {region}: {why}"
                    for region, why in sorted(self._channels_down.items())]
        unreadable = sum(reader.unreadable for reader in self._readers.values())
        if unreadable:
            problems.append(f"{unreadable} alarm message(s) did not parse (see the log)")
        return await bus_health(self._conn, self.replicas, problems)

    async def close(self) -> None:
        """End every subscription after what the stream holds now; close the connections."""
        if self._closed:
            return
        self._closed = True
        readers, self._readers = list(self._readers.values()), {}
        await asyncio.gather(*(r.stop(DRAIN_AT_CLOSE_S) for r in readers))
        await self._conn.aclose()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreUnavailable("closed")

    def _write_timeout(self) -> float:
        return self._settings.timeout_s + self._settings.wait_timeout_ms / 1000

    async def _position(self, region: str) -> None:
        # A subscription made before this write must start before it, even the first one of
        # the region, whose reader may not have asked the server where the stream ends yet.
        reader = self._readers.get(region)
        if reader is not None:
            await reader.ensure_positioned()

    async def _write(self, keys, args, script, priority: Priority | None, alarm_id: str):
        """Run a script; after a write about a critical alarm, wait for a replica. `priority`
        None: an acknowledgement, whose alarm's priority the script returns."""
        # WAIT counts the writes of its own connection: run the script and WAIT on one.
        async with self._conn.client.client() as single:
            answer = await script(keys=keys, args=args, client=single)
            if priority is None:
                wrote = answer is not None and bool(answer[2])
                priority = merged(answer[0], None).priority if wrote else None
            if priority is Priority.HIGH:
                await self.replicas.confirm(single, alarm_id)
        return answer

    def _wrote(self, region: str, entry: str) -> None:
        key = entry_key(entry)
        self._written[region] = max(key, self._written.get(region, key))

    async def _latest(self, keys: RegionKeys, ids: list[str]) -> list[Alarm]:
        if not ids:
            return []
        records = await self._conn.client.hmget(keys.alarms, ids)
        acks = await self._conn.client.hmget(keys.acks, ids)
        return [merged(r, a) for r, a in zip(records, acks) if r is not None]

    def _channel_state(self, region: str, why: str | None) -> None:
        if why is None:
            self._channels_down.pop(region, None)
        else:
            self._channels_down[region] = why
