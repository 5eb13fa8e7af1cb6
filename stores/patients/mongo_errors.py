"""Driver errors of the MongoDB backend turned into the store's errors, with reasons for people.

`store_error` is the backend's error translator (each backend has one of that name)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any, TypeGuard

from pymongo.errors import (
    BulkWriteError,
    ConfigurationError,
    ConnectionFailure,
    DuplicateKeyError,
    NotPrimaryError,
    OperationFailure,
    PyMongoError,
    WaitQueueTimeoutError,
    WriteConcernError,
)

from stores.errors import StoreError, StoreUnavailable, ValidationError
from stores.patients.mongo_client import Client, address_text
from stores.urls import StoreUrl

_AUTHENTICATION_FAILED = 18
_UNAUTHORIZED = 13
_ERRNO = re.compile(r"\[Errno (-?\d+)\]\s*([^(]*)")
_DOCUMENT_VALIDATION_FAILURE = 121
# Server answers that say "not now" rather than "no": the same call can succeed later. The
# retryable-writes spec's codes (not primary, recovering, shutting down, network), time limits,
# write conflicts and lock timeouts; the driver also labels most of them.
_NOT_NOW = frozenset({
    6, 7, 89, 91, 134, 189, 262, 9001, 10058, 10107, 11600, 11602, 13435, 13436,  # retryable
    50,  # MaxTimeMSExpired
    24, 46,  # LockTimeout, LockBusy
    112, 251,  # WriteConflict, NoSuchTransaction
    43,  # CursorNotFound: the server dropped an idle cursor; reading again works
    _AUTHENTICATION_FAILED, _UNAUTHORIZED,  # mended by the administrator, then writes go through
})
_NOT_NOW_LABELS = ("TransientTransactionError", "RetryableWriteError")


@contextlib.asynccontextmanager
async def translated(client: Client, url: StoreUrl) -> AsyncIterator[None]:
    """Turn a driver failure in the block into the store's error: ValidationError when the
    server refused the request for good (retrying cannot help, so the outbox must not keep
    retrying it), StoreUnavailable for everything that may pass. Duplicate keys are left to the
    caller, which knows which record they are about."""
    try:
        yield
    except DuplicateKeyError:
        raise
    except PyMongoError as exc:
        raise store_error(exc, client, url) from exc


def store_error(exc: PyMongoError, client: Client, url: StoreUrl) -> StoreError:
    """ValidationError when the server refused the request for good, else StoreUnavailable."""
    if refused_for_good(exc):
        return refusal(exc)
    return StoreUnavailable(reason(exc, client, url))


def refused_for_good(exc: PyMongoError) -> TypeGuard[OperationFailure]:
    """Whether the server answered "no" (a document its validator refuses, a bad value), not
    "not now" (no connection, a time-out, no primary, an election, a transient label)."""
    if not isinstance(exc, OperationFailure) or isinstance(exc, WriteConcernError):
        return False
    if exc.timeout or any(exc.has_error_label(label) for label in _NOT_NOW_LABELS):
        return False
    if isinstance(exc, BulkWriteError):  # refused if any write was; not if only the concern
        return bool((exc.details or {}).get("writeErrors"))
    return exc.code not in _NOT_NOW


def refusal(exc: OperationFailure) -> ValidationError:
    """The ValidationError for a request the server refused, naming the field if it said one."""
    details = exc.details or {}
    if isinstance(exc, BulkWriteError):
        details = details["writeErrors"][0]
    code = details.get("code", exc.code)
    if code == _DOCUMENT_VALIDATION_FAILURE:
        field = _failing_field(details.get("errInfo") or {})
        return ValidationError(field or "record", "MongoDB's validator refused the record "
                               f"(code 121){f' at {field}' if field else ''}; ask the database "
                               "administrator to check the validator of the collection")
    message = details.get("errmsg") or "no reason given"
    return ValidationError("record", f"MongoDB refused the change: {message} (code {code})")


def _failing_field(info: Mapping[str, Any]) -> str | None:
    """The first property MongoDB 5+ says the document lacks or breaks, as a record field."""
    for rule in (info.get("details") or {}).get("schemaRulesNotSatisfied") or ():
        for name in rule.get("missingProperties") or ():
            return "id" if name == "_id" else str(name)
        for item in rule.get("propertiesNotSatisfied") or ():
            name = item.get("propertyName")
            if name:
                return "id" if name == "_id" else str(name)
    return None


def reason(exc: PyMongoError, client: Client, url: StoreUrl) -> str:
    """Why the call failed, without a secret or a driver object in it."""
    if _is_authentication(exc):
        return "authentication failed"
    if isinstance(exc, OperationFailure) and exc.code == _UNAUTHORIZED:
        return (f"not authorized: user {url.username or '(none)'} may not do this on database "
                f"{url.path}")
    if isinstance(exc, WaitQueueTimeoutError):
        return "too many requests are waiting for a connection to the server"
    if isinstance(exc, WriteConcernError):
        return "the write was not confirmed by a majority of the replica set"
    if exc.timeout and not isinstance(exc, ConnectionFailure):
        return f"{', '.join(url.addresses)} did not answer in time"
    if isinstance(exc, NotPrimaryError):
        return f"no primary at {', '.join(url.addresses)} (an election may be under way)"
    if isinstance(exc, ConnectionFailure):
        return unreachable(client, url)
    if isinstance(exc, OperationFailure):
        return f"the server refused the request: {_errmsg(exc)}"
    return f"the driver failed: {type(exc).__name__}"


def unreachable(client: Client, url: StoreUrl) -> str:
    """"cannot reach m1:27017: connection refused", from what the driver saw of each server."""
    servers = list(client.topology_description.server_descriptions().values())
    failures = [f"{address_text(*sd.address)}: {_why(str(sd.error))}"
                for sd in servers if sd.error is not None]
    answering = [address_text(*sd.address) for sd in servers if sd.is_server_type_known]
    if answering and not any(sd.is_writable for sd in servers):
        no_primary = (f"no primary: {', '.join(answering)} answered but none is primary "
                      "(an election may be under way)")
        return "; ".join([no_primary, *(f"cannot reach {f}" for f in failures)])
    if failures:
        return "cannot reach " + "; ".join(failures)
    replica_set = url.option("replicaSet")
    if replica_set:
        return (f"cannot reach a primary of replica set {replica_set} at "
                f"{', '.join(url.addresses)}")
    return f"cannot reach {', '.join(url.addresses)}: no answer in time"


def duplicate_field(exc: DuplicateKeyError) -> str:
    """The record field whose unique index refused the write: "id", "mrn" or "bed_id"."""
    details = exc.details or {}
    keys = list(details.get("keyPattern") or {})
    if not keys:  # older servers only name the index: "... index: region_mrn_unique dup key: {"
        errmsg = str(details.get("errmsg") or exc)
        keys = [errmsg.split(" index: ")[-1].split(" dup key")[0]]
    if any("mrn" in key for key in keys):
        return "mrn"
    if any("bed" in key for key in keys):
        return "bed_id"
    return "id"


def _is_authentication(exc: PyMongoError) -> bool:
    if isinstance(exc, OperationFailure):
        return exc.code == _AUTHENTICATION_FAILED
    return isinstance(exc, ConfigurationError) and "auth" in str(exc).lower()


def _why(text: str) -> str:
    """"connection refused", "timed out"... from a driver's message about one server."""
    text = text.split(" (configured timeouts")[0]
    lowered = text.lower()
    if "timed out" in lowered or "timeout" in lowered:
        return "timed out"
    if "ssl" in lowered or "certificate" in lowered:
        return "TLS handshake failed"
    found = _ERRNO.search(text)
    if found:
        number, words = int(found[1]), found[2].strip()
        # The system's words for an errno beat asyncio's ("Connect call failed").
        known = os.strerror(number) if number > 0 else ""
        return (words if not known or known.startswith("Unknown") else known).lower()
    return text.split(": ", 1)[-1].strip()


def _errmsg(exc: OperationFailure) -> str:
    message = (exc.details or {}).get("errmsg") or "no reason given"
    return f"{message} (code {exc.code})"
