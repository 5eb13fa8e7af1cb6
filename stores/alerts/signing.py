"""Signatures on the alarm bus: an HMAC over each alarm record and each acknowledgement, and
over whatever else a region's stations share through Redis (the cache's entries and messages).

The Redis password lets a client write any key; the region's signing key is what lets a station
say "this alarm is genuine". A record carries `sig`: "v1:<key id>:<HMAC-SHA256 hex>" over a
canonical JSON of the rest, prefixed by what it is (alarm or acknowledgement) and its region (and
for an acknowledgement, its alarm's id), so a signature cannot be moved to another record.

Keys: the first signs, every one verifies (two during a rotation). No key: the bus runs
unsigned, takes what it reads as it is, and says so in its health.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence

from stores.alarm_codec import AlarmRecordError

VERSION = "v1"
MIN_KEY_BYTES = 16


class UnknownKey(AlarmRecordError):
    """A record signed with a key this station does not have (a rotation half done, a newer
    station): refused, but it may be genuine."""


class SigningKeyError(ValueError):
    """A signing key that cannot be used (too short); the message says what to do."""


def key_id(key: bytes) -> str:
    """A short name for a key that does not reveal it: which key signed a record."""
    return hashlib.sha256(b"ward-station key id\n" + key).hexdigest()[:8]


class Signer:
    """Signs and verifies the records of one region with its keys."""

    def __init__(self, region: str, keys: Sequence[bytes]) -> None:
        for key in keys:
            if len(key) < MIN_KEY_BYTES:
                raise SigningKeyError(
                    f"The alarm signing key of region {region!r} is too short: use at least "
                    f"{MIN_KEY_BYTES} random bytes (e.g. `python -c 'import secrets; "
                    f"print(secrets.token_hex(32))'`).")
        self.region = region
        self._keys = {key_id(key): key for key in keys}
        self._signing = key_id(keys[0]) if keys else None

    @property
    def signs(self) -> bool:
        return self._signing is not None

    def sign_alarm(self, record: dict[str, object]) -> dict[str, object]:
        return self.sign(record, "alarm")

    def sign_ack(self, ack: dict[str, object], alarm_id: str) -> dict[str, object]:
        return self.sign(ack, f"ack\n{alarm_id}")

    def verified_alarm(self, record: object) -> object:
        """The record without its signature; AlarmRecordError if this station has keys and the
        signature is missing or wrong. Without keys every record passes as it is."""
        return self.verified(record, "alarm", "alarm record")

    def verified_ack(self, ack: object, alarm_id: str) -> object:
        return self.verified(ack, f"ack\n{alarm_id}", "acknowledgement")

    def sign(self, record: dict[str, object], what: str) -> dict[str, object]:
        """`record` with its signature as `sig`; `what` says what it is (its first line, then
        whatever binds it to its place: an alarm id, a cache key), so that a signature cannot be
        moved to another kind of record or place. Unsigned where this station has no key."""
        if self._signing is None:
            return record
        digest = self._digest(self._keys[self._signing], what, record)
        return {**record, "sig": f"{VERSION}:{self._signing}:{digest}"}

    def verified(self, record: object, what: str, words: str) -> object:
        """`record` without its signature, if it was signed as `what` with one of the keys;
        AlarmRecordError (UnknownKey for a key this station lacks) naming it in `words`."""
        if not isinstance(record, Mapping):
            return record  # the codec says what is wrong with it
        rest = {k: v for k, v in record.items() if k != "sig"}
        if not self._keys:
            return rest
        sig = record.get("sig")
        if not isinstance(sig, str):
            raise AlarmRecordError(f"An unsigned {words} was refused (this station verifies "
                                   f"the signatures of region {self.region!r}).")
        version, _, rest_of_sig = sig.partition(":")
        kid, _, digest = rest_of_sig.partition(":")
        key = self._keys.get(kid)
        if version != VERSION or key is None:
            raise UnknownKey(f"A {words} signed with a key this station does not have "
                                   f"was refused (key id {kid[:8]!r}).")
        if not hmac.compare_digest(digest.encode(), self._digest(key, what, rest).encode()):
            raise AlarmRecordError(f"A {words} whose signature does not match was refused.")
        return rest

    def _digest(self, key: bytes, what: str, record: Mapping[str, object]) -> str:
        try:
            canonical = json.dumps(record, sort_keys=True, separators=(",", ":"),
                                   allow_nan=False)
        except (TypeError, ValueError):
            raise AlarmRecordError(f"A {what.split(chr(10))[0]} record that cannot be signed "
                                   "(not plain JSON) was refused.") from None
        message = f"ward-station {VERSION} {what}\n{self.region}\n{canonical}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()
