"""`bench alarms --junk`: what an attacker or a broken client could write on the Redis alarm bus,
sent beside the genuine alarms, so that the figures show whether any genuine one was lost.

Kinds, in turn: a live message naming an entry id far ahead of the stream, a record with NaN
values, bytes that are not JSON, an unsigned alarm, and an unsigned "clear" of the latest genuine
alarm (without a signing key the station cannot tell it from a real one: the figures then show
the alarms it hid).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from stores.alarm_codec import alarm_to_dict
from stores.alerts.redis_conn import Connection, read_settings
from stores.alerts.redis_scripts import RegionKeys
from stores.model import Alarm, Priority
from stores.urls import parse_store_url

log = logging.getLogger(__name__)

RATE_PER_S = 20.0


class JunkPublisher:
    """Writes junk to one region's stream and channel through a Redis connection of its own."""

    def __init__(self, url: str, secret: str | None, region: str) -> None:
        self._conn = Connection(read_settings(parse_store_url("alerts", url)), secret)
        self._keys = RegionKeys(region)
        self.sent = 0
        self.failed = 0
        self.latest_genuine: Alarm | None = None  # the bench's newest alarm, for a forged clear

    async def run(self, stop: asyncio.Event, probe) -> None:
        """Until `stop`, and at least one of every kind however slow the machine;
        `probe.latest` is the newest genuine alarm (to forge its clear)."""
        kinds = [self._id_far_ahead, self._nan_values, self._garbage, self._unsigned_alarm,
                 self._forged_clear]
        while not stop.is_set() or self.sent < len(kinds):
            self.latest_genuine = probe.latest
            try:
                await kinds[self.sent % len(kinds)]()
            except Exception as exc:  # noqa: BLE001 - junk that could not be sent is counted
                self.failed += 1
                log.info("junk not sent: %s", exc)
            self.sent += 1
            try:
                await asyncio.wait_for(stop.wait(), 1.0 / RATE_PER_S)
            except TimeoutError:
                pass

    async def close(self) -> None:
        await self._conn.aclose()

    async def _id_far_ahead(self) -> None:
        await self._conn.client.publish(self._keys.channel, "99999999999999-0\n{}\n")

    async def _nan_values(self) -> None:
        record = json.dumps(self._record("junk-nan") | {"value": float("nan"),
                                                        "raised_at": float("nan")})
        await self._written(record)

    async def _garbage(self) -> None:
        await self._written("\x00{garbage" + "x" * 200)

    async def _unsigned_alarm(self) -> None:
        await self._written(json.dumps(self._record(f"junk-{self.sent}")))

    async def _forged_clear(self) -> None:
        genuine = self.latest_genuine
        if genuine is None:
            return
        cleared = alarm_to_dict(genuine.acknowledge("nobody", time.time()).clear(time.time()))
        await self._written(json.dumps(cleared), genuine.id)

    def _record(self, alarm_id: str) -> dict:
        model = self.latest_genuine
        record = {"id": alarm_id, "region": self._keys.region, "ward": "junk",
                  "bed_id": "junk", "patient_id": None, "patient_name": "Junk",
                  "priority": int(Priority.MEDIUM), "condition": "Junk", "raised_at": time.time()}
        if model is not None:  # a bed of the bench ward, so that it would show if taken
            record |= {"ward": model.ward, "bed_id": model.bed_id}
        return record

    async def _written(self, alarm_text: str, alarm_id: str | None = None) -> None:
        """Into the stream (and the hash, for a forged version of a real alarm), then a wake."""
        entry = await self._conn.client.xadd(self._keys.stream, {"alarm": alarm_text, "ack": ""})
        if alarm_id is not None:
            await self._conn.client.hset(self._keys.alarms, alarm_id, alarm_text)
        await self._conn.client.publish(self._keys.channel, f"{entry}\n{alarm_text}\n")
