"""Reading what the Redis alarm bus holds: every record checked before it becomes an `Alarm`.

A record that fails (not JSON, a bad field, another region's, unsigned or forged where the region
signs, a time far from the server's clock) is refused and counted with its reason; a refused
acknowledgement leaves its alarm unacknowledged rather than hiding it.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING

from stores.alarm_codec import (
    AlarmRecordError,
    acknowledgement_from_dict,
    alarm_from_dict,
    check_times,
)
from stores.alerts.signing import Signer, UnknownKey
from stores.model import Alarm

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

# How far an alarm's times may lie from the Redis server's clock: an alarm is published when it
# is raised or changes, so its times are recent; the margins are wide so that a station whose
# clock is off by hours still shows its alarms, while a time years away is junk.
PAST_S = 366 * 86400.0
FUTURE_S = 86400.0
MAX_RECORD_CHARS = 16_384  # a genuine record is under 1 kB
SEEN_REFUSALS = 4096  # refused records remembered, so one is not counted at every re-read


LOG_EVERY_S = 10.0  # a flood of junk is logged once in a while, not line by line


class Refusals:
    """How many of a region's records were refused since the bus opened, and why the last."""

    def __init__(self) -> None:
        self.count = 0
        self.last = ""
        self._seen: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._logged_at = -LOG_EVERY_S
        self._unlogged = 0

    def add(self, region: str, reason: str, *texts: str | None) -> None:
        token = hashlib.sha256("\0".join(t or "" for t in texts).encode()).hexdigest()
        if token in self._seen:
            return
        self._seen[token] = None
        while len(self._seen) > SEEN_REFUSALS:
            self._seen.popitem(last=False)
        self.count += 1
        self.last = reason
        now = time.monotonic()
        if now - self._logged_at < LOG_EVERY_S:
            self._unlogged += 1
            return
        more = f" (and {self._unlogged} more since the last logged)" if self._unlogged else ""
        log.error("alarm bus %s: refused a record: %s%s", region, reason, more)
        self._logged_at, self._unlogged = now, 0


@dataclasses.dataclass
class RecordReader:
    """Reads one region's records with its signer; refusals are counted in `refused`."""

    signer: Signer
    refused: Refusals = dataclasses.field(default_factory=Refusals)

    @property
    def region(self) -> str:
        return self.signer.region

    def entry(self, fields: object, now: float | None) -> Alarm | None:
        """The alarm of a stream entry, checked against the server's clock `now`; None if
        refused."""
        if not isinstance(fields, dict):
            self.refused.add(self.region, "a stream entry that is not a record", repr(fields))
            return None
        return self.stored(fields.get("alarm"), fields.get("ack"), now)

    def stored(self, alarm_json: object, ack_json: object,
               now: float | None = None) -> Alarm | None:
        """The alarm as stored, with its acknowledgement; None if the alarm is refused."""
        texts = (str(alarm_json)[:MAX_RECORD_CHARS], str(ack_json or "")[:MAX_RECORD_CHARS])
        try:
            alarm = self._alarm(alarm_json, now)
        except Exception as exc:  # noqa: BLE001 - whatever a record does, it is only refused
            self.refused.add(self.region, _why(exc), *texts)
            return None
        try:
            return self._with_ack(alarm, ack_json, now)
        except Exception as exc:  # noqa: BLE001 - same reason
            self.refused.add(self.region, _why(exc), *texts)
            return alarm  # shown as the alarm's own signed record says, never hidden

    def _alarm(self, text: object, now: float | None) -> Alarm:
        alarm = alarm_from_dict(self.signer.verified_alarm(_json(text, "alarm record")))
        if alarm.region != self.region:
            raise AlarmRecordError(f"Alarm record {alarm.id[:40]!r} says region "
                                   f"{alarm.region[:20]!r} in the stream of {self.region!r}.")
        if now is not None:
            check_times(alarm, now, PAST_S, FUTURE_S)
        return alarm

    def _with_ack(self, alarm: Alarm, text: object, now: float | None) -> Alarm:
        if text is None or text == "":
            return alarm
        ack = _json(text, "acknowledgement")
        if not ack:  # a version published before anyone acknowledged
            return alarm
        by, at = acknowledgement_from_dict(self.signer.verified_ack(ack, alarm.id), alarm.id)
        acknowledged = dataclasses.replace(alarm, acknowledged_by=by, acknowledged_at=at)
        if now is not None:
            check_times(acknowledged, now, PAST_S, FUTURE_S)
        return acknowledged

    def ack_verdict(self, alarm_id: str, ack_json: str) -> str:
        """What this station can tell of a stored acknowledgement: "genuine" (it reads and, where
        the region signs, its signature matches), "forged" (unreadable, unsigned where the region
        signs, or a signature that does not match a key this station has: a nurse's own may
        replace it), or "unknown key" (signed with a key this station lacks: it may be
        genuine, and is kept)."""
        try:
            ack = _json(ack_json, "acknowledgement")
            if ack:
                acknowledgement_from_dict(self.signer.verified_ack(ack, alarm_id), alarm_id)
            return "genuine"
        except UnknownKey:
            return "unknown key"
        except Exception:  # noqa: BLE001 - whatever else is wrong with it, it is no acknowledgement
            return "forged"


def _why(exc: Exception) -> str:
    """A refusal's reason: the check's own words, or what a check did not foresee."""
    if isinstance(exc, AlarmRecordError):
        return str(exc)
    log.exception("alarm record refused by an unforeseen error")
    return f"a record no check foresaw ({type(exc).__name__})"


def _json(text: object, words: str) -> object:
    if not isinstance(text, str):
        raise AlarmRecordError(f"An {words} is missing.")
    if len(text) > MAX_RECORD_CHARS:
        raise AlarmRecordError(f"An {words} of {len(text)} characters was refused.")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise AlarmRecordError(f"An {words} is not JSON: {str(exc)[:80]}") from None


class ServerClock:
    """The Redis server's clock (TIME), asked once a minute and carried on by this machine's
    monotonic clock in between: alarms are checked against it, not this station's own clock."""

    REFRESH_S = 60.0

    def __init__(self) -> None:
        self._offset: float | None = None
        self._asked_at = 0.0

    async def now(self, client: Redis) -> float:
        """The server's time now; `client` is asked for it when the last answer is a minute
        old (call inside the connection's deadline)."""
        if self._offset is None or time.monotonic() - self._asked_at > self.REFRESH_S:
            seconds, microseconds = await client.time()
            self._asked_at = time.monotonic()
            self._offset = seconds + microseconds / 1e6 - self._asked_at
        return time.monotonic() + self._offset
