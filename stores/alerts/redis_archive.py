"""The Redis bus's resolved alarms for the archive, and removing them once they are archived."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from stores.alerts import archivable
from stores.alerts.redis_records import RecordReader
from stores.alerts.redis_scripts import RegionKeys
from stores.model import Alarm

if TYPE_CHECKING:
    from redis.asyncio import Redis

PAGE = 500  # ids read from the history at a time

# KEYS: alarms, acks, raised, attention, ongoing.
# ARGV: triples of id, alarm JSON and acknowledgement JSON ("" for none), as read and checked
#       before the alarm was archived.
# Removes an alarm only while both texts are still those: a version published or acknowledged
# since (newer than the archived one) stays, to be archived in its turn. Returns how many went.
PRUNE = """
local removed = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[1], id) == ARGV[i + 1]
      and (redis.call('HGET', KEYS[2], id) or '') == ARGV[i + 2] then
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('SREM', KEYS[4], id)
    redis.call('SREM', KEYS[5], id)
    removed = removed + 1
  end
end
return removed
"""

Latest = Callable[[RegionKeys, list[str]], Awaitable[list[Alarm]]]


async def resolved_before(client: Redis, keys: RegionKeys, latest: Latest, cutoff: float,
                          limit: int) -> list[Alarm]:
    """Up to `limit` archivable alarms raised before `cutoff`, oldest first, read page by page
    past those still open (or refused: they are counted, and stay)."""
    found: list[Alarm] = []
    offset = 0
    while len(found) < limit:
        ids = [_text(member) for member in await client.zrangebyscore(
            keys.raised, "-inf", f"({cutoff!r}", start=offset, num=PAGE)]
        if not ids:
            break
        offset += len(ids)
        found += [alarm for alarm in await latest(keys, ids) if archivable(alarm, cutoff)]
    return found[:limit]


async def prune_args(client: Redis, keys: RegionKeys, records: RecordReader,
                     alarms: Sequence[Alarm]) -> list[str]:
    """PRUNE's ARGV: each alarm whose stored texts still read as the version given."""
    ids = [alarm.id for alarm in alarms]
    texts = [_text_or_none(text) for text in await client.hmget(keys.alarms, ids)]
    acks = [_text_or_none(ack) for ack in await client.hmget(keys.acks, ids)]
    args: list[str] = []
    for alarm, text, ack in zip(alarms, texts, acks):
        if text is not None and records.stored(text, ack) == alarm:
            args += [alarm.id, text, ack or ""]
    return args


def _text(answer: object) -> str:
    """A text the server answered: the bus's client decodes every answer (`redis_conn`)."""
    if not isinstance(answer, str):
        raise TypeError(f"the client answered {type(answer).__name__}, not decoded text")
    return answer


def _text_or_none(answer: object) -> str | None:
    return None if answer is None else _text(answer)


def prune_keys(keys: RegionKeys) -> list[str]:
    return [keys.alarms, keys.acks, keys.raised, keys.attention, keys.ongoing]
