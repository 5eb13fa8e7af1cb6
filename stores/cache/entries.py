"""Cache entries as Redis keeps them: a read's answer as JSON, signed with the region's alarm
signing key over the entry's key (so over its scope, generation and query), and checked when read.

Anyone who can write the region's keys can put anything there, so an entry is untrusted input:
one that is too long, not JSON, unsigned or signed otherwise, moved from another key, written
for another query, older than the time to live, or not exactly the records its read returns, is
refused: a miss, never an error and never a wrong record.
"""

from __future__ import annotations

import collections
import json
import math
from dataclasses import dataclass

from stores.alerts.signing import Signer
from stores.cache.keys import Query
from stores.cache.shapes import conforms
from stores.outbox.codec import from_json, to_json

FORMAT = 1
MAX_ENTRY_CHARS = 1_000_000  # a region's whole patient list is about 100 kB
CLOCK_SLACK_S = 5.0  # how far the stations' clocks may differ before entries are refused
DECODED_KEPT = 512  # entries a station keeps decoded


@dataclass(frozen=True)
class Entry:
    value: object
    at: float  # when it was read from the store


class Refused(Exception):
    """An entry this station does not take; the message says why."""


@dataclass(frozen=True)
class EntryCodec:
    """Writes and reads one region's entries with its signer."""

    signer: Signer
    ttl_s: float

    def encode(self, key: str, query: Query, value: object, now: float) -> str | None:
        """The entry for `value`, read for `query`; None if it would be too long to keep."""
        record = {"format": FORMAT, "query": list(query), "at": now, "value": to_json(value)}
        text = json.dumps(self.signer.sign(record, _what(key)), separators=(",", ":"),
                          allow_nan=False)
        return text if len(text) <= MAX_ENTRY_CHARS else None

    def decode(self, text: str, key: str, query: Query, returns: object, now: float) -> Entry:
        """The value an entry holds, if it is one of `returns` (the read's return type) written
        for `query` at this key less than the time to live ago; Refused otherwise."""
        if not self.signer.signs:
            raise Refused("this station has no key to verify cache entries with")
        if len(text) > MAX_ENTRY_CHARS:
            raise Refused(f"a cache entry of more than {MAX_ENTRY_CHARS} characters")
        try:
            record = self.signer.verified(json.loads(text), _what(key), "cache entry")
        except (ValueError, RecursionError) as exc:  # AlarmRecordError is one
            raise Refused(str(exc)[:200] or "a cache entry that is not JSON") from None
        if not isinstance(record, dict) or record.get("format") != FORMAT \
                or record.get("query") != list(query):
            raise Refused("a cache entry of another format or query")
        at = self.check_age(record.get("at"), now)
        return Entry(_value(record.get("value"), returns), at)

    def check_age(self, at: object, now: float) -> float:
        """`at`, if an entry read from the store then is still young enough; else Refused."""
        if not isinstance(at, float) or not math.isfinite(at) \
                or not now - self.ttl_s - CLOCK_SLACK_S <= at <= now + CLOCK_SLACK_S:
            raise Refused("a cache entry older than the time to live, or written in the future")
        return at


def _what(key: str) -> str:
    return f"cache entry\n{key}"


def _value(raw: object, returns: object) -> object:
    try:
        value = from_json(raw)
    except Exception:  # noqa: BLE001 - whatever a signed entry holds, it is only refused
        raise Refused("a cache entry whose records do not read") from None
    if not conforms(value, returns):
        raise Refused("a cache entry that does not hold what its read returns")
    return value


class DecodedEntries:
    """The entries a station decoded lately: the same text found again at the same key is the
    same entry, taken without checking it all again (a region's patient list takes milliseconds
    to verify and read), only its age."""

    def __init__(self, codec: EntryCodec) -> None:
        self._codec = codec
        self._kept: collections.OrderedDict[str, tuple[str, Query, Entry]] = \
            collections.OrderedDict()

    def read(self, text: str, key: str, query: Query, returns: object, now: float) -> object:
        """What `EntryCodec.decode` gives, as a fresh list where it is one (a caller may
        change the list it is given); Refused likewise."""
        kept = self._kept.get(key)
        if kept is not None and kept[0] == text and kept[1] == query:
            entry = kept[2]
            self._codec.check_age(entry.at, now)
        else:
            entry = self._codec.decode(text, key, query, returns, now)
            self._kept[key] = (text, query, entry)
            while len(self._kept) > DECODED_KEPT:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        return list(entry.value) if isinstance(entry.value, list) else entry.value
