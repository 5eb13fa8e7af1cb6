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
  critical alarm is confirmed. `wait_replicas=0` turns waiting off. A trainer may switch
  the count while the station runs (`redis_teaching`).
- `stream_maxlen=10000`: entries kept per region stream (`XADD MAXLEN ~`): how far back a
  station that was away can catch up.
- `timeout_ms=5000`: longest a call may take before it raises StoreUnavailable.
- `tls_ca`, `tls_cert`, `tls_key` (paths), `tls_verify=false`, `tls_check_hostname=false`.

Redis replicates asynchronously: what a master took and died with is written again on its
successor by the station that wrote it (`stores.alerts.redis_replay`), and health says how much
that was.

Keys are in `stores.alerts.redis_scripts`, all under `ward:{region}:`. An ACL user needs, on
its region's keys and channel: EVALSHA and SCRIPT LOAD, the scripts' HGET, HSET, ZADD, SADD,
SREM, SISMEMBER, XADD and PUBLISH, and HGET, HEXISTS, HMGET, SMEMBERS, ZRANGEBYSCORE, XREAD,
XRANGE, XREVRANGE, SUBSCRIBE, PING, TIME, INFO and WAIT (`packaging/compose/redis/users.acl`).
A station also prunes archived alarms (`stores.alerts.redis_archive`): HDEL and ZREM.

Records are signed with the region's key when the station has one (`stores.alerts.signing`);
what the bus reads is checked before it is shown (`stores.alerts.redis_records`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from stores.alarm_codec import AlarmRecordError, acknowledgement_from_dict, publishable
from stores.alerts import ARCHIVE_BATCH, AlertBus
from stores.alerts.redis_archive import PRUNE, prune_args, prune_keys, resolved_before
from stores.alerts.redis_conn import Connection, read_settings
from stores.alerts.redis_feed import RegionReader
from stores.alerts.redis_health import (
    HEALTH_TIMEOUT_S,
    ReplicaWatch,
    bus_health,
    eviction_problem,
    server_problems,
)
from stores.alerts.redis_records import RecordReader, ServerClock
from stores.alerts.redis_replay import Info, WriteJournal, wrote_entry
from stores.alerts.redis_sentinel_listener import SentinelEvents
from stores.alerts.redis_scripts import (
    ACKNOWLEDGE,
    PUBLISH,
    RegionKeys,
    acknowledge_args,
    entry_key,
    publish_args,
)
from stores.alerts.redis_subscription import Key, Subscription
from stores.alerts.redis_teaching import replicas_of, wait_setting
from stores.alerts.signing import Signer, SigningKeyError
from stores.errors import NotFound, StoreUnavailable, ValidationError
from stores.model import Alarm, HealthState, Priority, StoreHealth, TeachingSetting
from stores.store import chosen
from stores.urls import StoreUrl

if TYPE_CHECKING:
    import redis.asyncio as aioredis

log = logging.getLogger(__name__)

DRAIN_AT_CLOSE_S = 1.0
EVICTION_CHECK_S = 60.0
# active() also reads every alarm raised this recently, whatever the index sets say (a forged
# clear or acknowledgement could take a genuine alarm out of them)
ACTIVE_LOOKBACK_S = 3600.0
AlarmKeys = Callable[[str], Sequence[bytes]]  # region -> its signing keys, the signing one first


async def open_store(url: StoreUrl, secret: str | None,
                     alarm_keys: AlarmKeys | None = None) -> RedisAlertBus:
    """The bus for `url`; nothing connects until the first call (the server may be down).
    `alarm_keys` gives a region's signing keys (none: that region's alarms go unsigned)."""
    return RedisAlertBus(Connection(read_settings(url), secret), alarm_keys)


class RedisAlertBus(AlertBus):
    def __init__(self, conn: Connection, alarm_keys: AlarmKeys | None = None) -> None:
        self._conn = conn
        self._settings = conn.settings
        self._scripts = {"publish": conn.client.register_script(PUBLISH),
                         "acknowledge": conn.client.register_script(ACKNOWLEDGE)}
        self._prune = conn.client.register_script(PRUNE)
        self._alarm_keys = alarm_keys or (lambda region: ())
        self._records: dict[str, RecordReader] = {}  # region -> its signer and refusals
        self._clock = ServerClock()
        self._readers: dict[str, RegionReader] = {}
        self._written: dict[str, Key] = {}  # region -> newest stream entry this bus wrote
        self._channels_down: dict[str, str] = {}  # region -> why its reader is not following
        self.replicas = ReplicaWatch(self._settings)
        self.sentinel_events = SentinelEvents(conn)  # listens from the first health check on
        self.journal = WriteJournal()
        self._replaying = asyncio.Lock()
        self._eviction: str | None = None
        self._eviction_asked = -EVICTION_CHECK_S
        self._closed = False

    @property
    def unconfirmed(self) -> list[str]:
        """Ids of critical alarms written but not confirmed by a replica in time."""
        return list(self.replicas.unconfirmed)

    async def publish(self, alarm: Alarm) -> None:
        publishable(alarm)
        self._check_open()
        keys, args = publish_args(alarm, RegionKeys(alarm.region), self._settings.stream_maxlen,
                                  self.records(alarm.region).signer)
        async with self._conn.calling(self._write_timeout()):
            await self._position(alarm.region)
            entry, _ = await self._write("publish", keys, args, alarm.priority, alarm.id)
        if entry:  # empty: this very version was stored already, nothing was written
            self._wrote(alarm.region, entry)

    async def acknowledge(self, alarm_id: str, by: str, at: float,
                          region: str | None = None) -> Alarm:
        self._check_open()
        if not isinstance(by, str) or not by.strip():
            raise ValidationError("by", "Who acknowledges must be named.")
        try:  # what every reader will check: refused here rather than everywhere
            acknowledgement_from_dict({"by": by, "at": at}, alarm_id)
        except AlarmRecordError as exc:
            raise ValidationError("by", str(exc)) from None
        async with self._conn.calling(self._write_timeout()):
            region = region or await self._region_of(alarm_id)
            records = self.records(region)
            await self._position(region)
            region_keys, replacing = RegionKeys(region), ""
            for _ in range(2):  # twice at most: once more over an acknowledgement refused here
                keys, args = acknowledge_args(alarm_id, by, at, region_keys,
                                              self._settings.stream_maxlen, records.signer,
                                              replacing)
                answer = await self._write("acknowledge", keys, args, None, alarm_id,
                                           records)
                if answer is None:
                    raise NotFound(f"No alarm has the id {alarm_id}.")
                alarm_json, ack_json, entry = answer
                verdict = "written" if entry else records.ack_verdict(alarm_id, ack_json)
                if verdict in ("written", "genuine"):
                    break
                if verdict == "unknown key":
                    raise ValidationError("by", "This alarm was acknowledged at a station that "
                                          "signs with a key this one does not have: check the "
                                          "region's signing keys (a rotation half done?).")
                replacing = ack_json  # forged or unreadable: a nurse's own takes its place
            else:
                raise ValidationError("by", "Not acknowledged: the stored acknowledgement was "
                                      "replaced again by one this station refuses (see the log).")
        if entry:
            self._wrote(region, entry)
        alarm = records.stored(alarm_json, ack_json)
        if alarm is None:
            raise ValidationError("alarm", records.refused.last)
        return alarm

    async def _region_of(self, alarm_id: str) -> str:
        """The region holding the alarm, among those this bus follows or wrote to (every key
        is under its region, so that an ACL can keep each station to its own region)."""
        for region in sorted({*self._readers, *self._written}):
            if await self._conn.client.hexists(RegionKeys(region).alarms, alarm_id):
                return region
        raise NotFound(f"No alarm has the id {alarm_id} in the regions this station follows.")

    async def active(self, region: str) -> list[Alarm]:
        """Open-ness is decided here from the verified records, not taken from the index sets
        (any client that may run the scripts can change those): the ids of the open set, of the
        conditions still true, and of every alarm raised in the last hour are read, and those
        whose record says they are open are returned."""
        keys = RegionKeys(region)
        reader = self._readers.get(region)
        async with self._conn.calling():
            if reader is not None:
                # A subscription's reader takes its place in the stream when it first runs;
                # fixed first, an alarm published by another station from now on is in the
                # subscription, and one published before in this answer, never in neither.
                await reader.ensure_positioned()
            since = await self._clock.now(self._conn.client) - ACTIVE_LOOKBACK_S
            ids = set(await self._conn.client.smembers(keys.attention))
            ids |= set(await self._conn.client.smembers(keys.ongoing))
            ids |= set(await self._conn.client.zrangebyscore(keys.raised, since, "+inf"))
            alarms = await self._latest(keys, sorted(ids))
        return sorted((a for a in alarms if a.is_open), key=lambda a: (a.raised_at, a.id))

    async def history(self, region: str, since: float) -> list[Alarm]:
        keys = RegionKeys(region)
        async with self._conn.calling():
            # a sorted set orders equal scores by member: raised_at, then id, as wanted
            ids = await self._conn.client.zrangebyscore(keys.raised, since, "+inf")
            return await self._latest(keys, ids)

    async def resolved_before(self, region: str, cutoff: float,
                              limit: int = ARCHIVE_BATCH) -> list[Alarm]:
        async with self._conn.calling():
            return await resolved_before(self._conn.client, RegionKeys(region), self._latest,
                                         cutoff, limit)

    async def prune(self, region: str, alarms: Sequence[Alarm]) -> int:
        self._check_open()
        keys, alarms = RegionKeys(region), [a for a in alarms if a.region == region]
        if not alarms:
            return 0
        async with self._conn.calling():
            args = await prune_args(self._conn.client, keys, self.records(region), alarms)
            return int(await self._prune(keys=prune_keys(keys), args=args)) if args else 0

    def subscribe(self, region: str) -> AsyncIterator[Alarm]:
        if self._closed:
            return Subscription(None, None)
        reader = self._readers.get(region)
        if reader is None:
            reader = self._readers[region] = RegionReader(
                self._conn, self.records(region), self._clock,
                lambda why: self._channel_state(region, why))
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
        records = self._records.get(region)
        return (records.refused.count, records.refused.last) if records else (0, "")

    def signed(self, region: str) -> bool:
        return self.records(region).signer.signs

    def records(self, region: str) -> RecordReader:
        """The region's reader of records: its signer (keys read once) and its refusals.
        StoreUnavailable if the region's key cannot be used (said, not taken as unsigned)."""
        records = self._records.get(region)
        if records is None:
            try:
                signer = Signer(region, list(self._alarm_keys(region)))
            except SigningKeyError as exc:
                raise StoreUnavailable(str(exc)) from None
            records = self._records[region] = RecordReader(signer)
        return records

    async def health(self) -> StoreHealth:
        if self._closed:
            return StoreHealth("alerts", "redis", HealthState.DOWN, reason="closed")
        problems = [f"alarm channel {region}: {why}"
                    for region, why in sorted(self._channels_down.items())]
        eviction = await self._eviction_problem()
        if eviction:
            problems.append(eviction)
        refused = sum(records.refused.count for records in self._records.values())
        if refused:
            problems.append(f"{refused} alarm message(s) refused (see the log)")
        unsigned = sorted(r for r, records in self._records.items() if not records.signer.signs)
        notes = [f"alarms of {', '.join(unsigned)} are not signed (no signing key): anyone "
                 "with the Redis password could forge or clear them"] if unsigned else []
        await self._replay_if_idle_moved()
        notes += filter(None, [self.journal.note(), self._sentinel_refusals()])
        self.sentinel_events.start()
        health = await bus_health(self._conn, self.replicas, problems, notes,
                                  ("unsigned",) if unsigned else ())
        return dataclasses.replace(health, events=self.sentinel_events.recent())

    def _sentinel_refusals(self) -> str | None:
        """What health says of the Sentinels' events, without degrading the bus."""
        events = self.sentinel_events
        if events.problem:
            return f"the Sentinels' events are not heard: {events.problem}"
        return (f"{events.refused} Sentinel message(s) refused, the last: {events.last_refused}"
                if events.refused else None)

    def teaching_settings(self) -> tuple[TeachingSetting, ...]:
        return (wait_setting(self._settings.wait_replicas, self.replicas.wanted),)

    async def apply_teaching_setting(self, key: str, value: str) -> TeachingSetting:
        """HIGH alarms wait for another count of replicas (`high_alarm_wait`) from the next
        write on."""
        chosen(self.teaching_settings(), key, value)
        self.replicas.wanted = replicas_of(value)
        log.info("Alarm bus: HIGH alarms wait for %s from now on", value)
        return self.teaching_settings()[0]

    async def close(self) -> None:
        """End every subscription after what the stream holds now; close the connections."""
        if self._closed:
            return
        self._closed = True
        readers, self._readers = list(self._readers.values()), {}
        await asyncio.gather(*(r.stop(DRAIN_AT_CLOSE_S) for r in readers))
        await self.sentinel_events.stop()
        await self._conn.aclose()

    async def _eviction_problem(self) -> str | None:
        """The server's eviction policy, asked once a minute (health is asked every 2 s)."""
        now = time.monotonic()
        if now - self._eviction_asked > EVICTION_CHECK_S:
            try:
                async with self._conn.calling(HEALTH_TIMEOUT_S):
                    self._eviction = eviction_problem(await self._conn.client.info("memory"))
                self._eviction_asked = now
            except StoreUnavailable:
                pass  # the health check that follows says the server is away
        return self._eviction

    async def _replay_if_idle_moved(self) -> None:
        """Health is asked every 2 s: a failover while this station writes nothing is
        found here, so what the old master took with it is written again within seconds."""
        if not len(self.journal):
            return
        try:
            async with self._conn.calling(self._write_timeout()):
                await self._replay_if_moved(self._conn.client)  # no WAIT: any connection
        except StoreUnavailable:
            pass  # the health check that follows says the server is away

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

    async def _write(self, script: str, keys: list[str], args: list[str | int],
                     priority: Priority | None, alarm_id: str,
                     records: RecordReader | None = None) -> Any:  # what the script returns
        """Run a script ("publish" or "acknowledge"), first writing again what a new master
        lacks; after a write about a critical alarm, wait for a replica. `priority` None: an
        acknowledgement, whose alarm's priority the script returns."""
        # WAIT counts the writes of its own connection: run the script and WAIT on one.
        async with self._conn.client.client() as single:
            info = await self._replay_if_moved(single)
            answer = await self._scripts[script](keys=keys, args=args, client=single)
            if priority is None and records is not None:
                wrote = answer is not None and bool(answer[2])
                alarm = records.stored(answer[0], None) if wrote else None
                priority = alarm.priority if alarm is not None else None
            if priority is Priority.HIGH:
                await self.replicas.confirm(single, alarm_id, info)
        if answer is not None:
            self.journal.record(script, alarm_id, keys, args)
        return answer

    async def _replay_if_moved(self, client: aioredis.Redis) -> Info:
        """The master's INFO replication; if it is not the master the journal's writes went to
        (or it went back), they are written again first (`stores.alerts.redis_replay`)."""
        info: Info = await client.info("replication")
        async with self._replaying:
            if not self.journal.moved(info):
                return info
            pending, missing = self.journal.pending(), 0
            for write in pending:
                answer = await self._scripts[write.script](keys=write.keys, args=write.args,
                                                           client=client)
                missing += wrote_entry(write.script, answer)
            self.journal.replayed(len(pending), missing, info)
        return info

    def _wrote(self, region: str, entry: str) -> None:
        key = entry_key(entry)
        self._written[region] = max(key, self._written.get(region, key))

    async def _latest(self, keys: RegionKeys, ids: list[str]) -> list[Alarm]:
        if not ids:
            return []
        texts = await self._conn.client.hmget(keys.alarms, ids)
        acks = await self._conn.client.hmget(keys.acks, ids)
        records, now = self.records(keys.region), await self._clock.now(self._conn.client)
        alarms = [records.stored(r, a, now) for r, a in zip(texts, acks) if r is not None]
        return [alarm for alarm in alarms if alarm is not None]

    def _channel_state(self, region: str, why: str | None) -> None:
        if why is None:
            self._channels_down.pop(region, None)
        else:
            self._channels_down[region] = why
