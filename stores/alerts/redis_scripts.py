"""The alarm bus's Redis keys, its Lua scripts (publish, acknowledge) and its entry format.

The scripts make "keep the first acknowledgement" atomic across stations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from stores.alarm_codec import alarm_to_dict
from stores.alerts.signing import Signer
from stores.model import Alarm, Priority


@dataclass(frozen=True)
class RegionKeys:
    """The keys of one region, all under `ward:{region}:`."""

    region: str

    def _key(self, name: str) -> str:
        return f"ward:{self.region}:{name}"

    @property
    def alarms(self) -> str:  # hash: id -> the alarm's latest version as published (JSON)
        return self._key("alarms")

    @property
    def acks(self) -> str:  # hash: id -> the first acknowledgement {"by", "at"} (JSON)
        return self._key("acks")

    @property
    def raised(self) -> str:  # sorted set: id scored by raised_at, for history()
        return self._key("raised")

    @property
    def attention(self) -> str:  # set: ids of open alarms (`Alarm.is_open`), for active()
        return self._key("attention")

    @property
    def ongoing(self) -> str:  # set: ids whose condition is still true (open after an ack)
        return self._key("ongoing")

    @property
    def stream(self) -> str:  # capped stream of every version, for backfill after a reconnect
        return self._key("stream")

    @property
    def channel(self) -> str:  # pub/sub channel: wakes the readers; the stream is the truth
        return self._key("live")


# The alarm is stored as published; its acknowledgement lives beside it, so the script never
# decodes JSON (Lua's cjson would round the floats) and a later version cannot undo it.
# An alarm is open while its condition is true, or while it latches (high priority, cleared,
# not acknowledged): `Alarm.is_open`, worked out here because the acknowledgement may be another
# station's, stored before this version arrived.
# KEYS: alarms, acks, raised, attention, stream, ongoing.
# ARGV: id, alarm JSON, its own acknowledgement JSON or "", condition active "1"/"0",
#       raised_at, stream cap, channel, latches (high priority) "1"/"0".
PUBLISH = """
redis.replicate_commands()
local id = ARGV[1]
local ack = redis.call('HGET', KEYS[2], id)
-- The very version stored already (a write delivered again after a lost answer, or from the
-- outbox after a crash): nothing changes, and subscribers must not get it twice.
if redis.call('HGET', KEYS[1], id) == ARGV[2] and (ack or '') == (ack or ARGV[3]) then
  return {'', ack or ''}
end
-- The stream first: if it refuses the entry (its ids exhausted by a forged one), the script
-- fails before it has changed anything, rather than leaving state no station was told of.
local entry = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', 'alarm', ARGV[2],
                         'ack', ack or ARGV[3])
if not ack then
  ack = ARGV[3]
  if ack ~= '' then redis.call('HSET', KEYS[2], id, ack) end
end
redis.call('HSET', KEYS[1], id, ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[5], id)
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[6], id)
else
  redis.call('SREM', KEYS[6], id)
end
if ARGV[4] == '1' or (ARGV[8] == '1' and ack == '') then
  redis.call('SADD', KEYS[4], id)
else
  redis.call('SREM', KEYS[4], id)
end
redis.call('PUBLISH', ARGV[7], entry .. '\\n' .. ARGV[2] .. '\\n' .. ack)
return {entry, ack}
"""

# KEYS: alarms, acks, attention, stream, ongoing.
# ARGV: id, acknowledgement JSON, stream cap, channel, the stored acknowledgement this station
#       refused (forged or unreadable: it may be replaced) or "".
# Returns nil for an unknown alarm; {alarm, ack, ""} if it was acknowledged already (the first
# acknowledgement counts, nothing is published); else {alarm, ack, stream entry id}.
ACKNOWLEDGE = """
redis.replicate_commands()
local alarm = redis.call('HGET', KEYS[1], ARGV[1])
if not alarm then return false end
local ack = redis.call('HGET', KEYS[2], ARGV[1])
if ack and ack ~= ARGV[5] then return {alarm, ack, ''} end
local entry = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*',
                         'alarm', alarm, 'ack', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
redis.call('PUBLISH', ARGV[4], entry .. '\\n' .. alarm .. '\\n' .. ARGV[2])
return {alarm, ARGV[2], entry}
"""


def publish_args(alarm: Alarm, keys: RegionKeys, maxlen: int,
                 signer: Signer) -> tuple[list[str], list[str | int]]:
    own_ack = (ack_text(alarm.acknowledged_by, alarm.acknowledged_at, alarm.id, signer)
               if alarm.acknowledged else "")
    record = json.dumps(signer.sign_alarm(alarm_to_dict(alarm)), allow_nan=False)
    return ([keys.alarms, keys.acks, keys.raised, keys.attention, keys.stream, keys.ongoing],
            [alarm.id, record, own_ack, "1" if alarm.condition_active else "0",
             repr(alarm.raised_at), maxlen, keys.channel,
             "1" if alarm.priority is Priority.HIGH else "0"])


def acknowledge_args(alarm_id: str, by: str, at: float, keys: RegionKeys, maxlen: int,
                     signer: Signer, replacing: str = "") -> tuple[list[str], list[str | int]]:
    return ([keys.alarms, keys.acks, keys.attention, keys.stream, keys.ongoing],
            [alarm_id, ack_text(by, at, alarm_id, signer), maxlen, keys.channel, replacing])


def ack_text(by: str | None, at: float | None, alarm_id: str, signer: Signer) -> str:
    return json.dumps(signer.sign_ack({"by": by, "at": at}, alarm_id), allow_nan=False)


def entry_key(entry: str) -> tuple[int, int]:
    """A stream entry id ("1718000000000-3") as a number pair, for ordering and duplicates;
    ValueError if it is not one."""
    ms, _, seq = entry.partition("-")
    if not (ms.isdigit() and (seq.isdigit() or seq == "")) or len(entry) > 41:
        raise ValueError(f"not a stream entry id: {entry[:41]!r}")
    return int(ms), int(seq or 0)


def entry_id(key: tuple[int, int]) -> str:
    """The stream entry id of a number pair: `entry_key` undone."""
    ms, seq = key
    return f"{ms}-{seq}"
