"""The Cassandra driver's errors in words for people: StoreUnavailable with a reason, no secret.

`store_error` is the backend's error translator (each backend has one of that name)."""

from __future__ import annotations

import errno
import socket

from cassandra import (
    AuthenticationFailed,
    ConsistencyLevel,
    CoordinationFailure,
    DriverException,
    InvalidRequest,
    OperationTimedOut,
    ReadTimeout,
    Unauthorized,
    Unavailable,
    UnresolvableContactPoints,
    WriteTimeout,
)
from cassandra.cluster import NoHostAvailable
from cassandra.connection import ConnectionException

from stores.errors import StoreUnavailable

SCHEMA_HINT = "run `ward-station check --init` to create it"
COLUMNS_HINT = "run `ward-station check --init` to add them"


def store_error(exc: BaseException, addresses: list[str]) -> StoreUnavailable:
    """The StoreUnavailable that says what `exc` means; `addresses` are the configured servers."""
    return StoreUnavailable(reason(exc, addresses))


def reason(exc: BaseException, addresses: list[str]) -> str:
    if _is_authentication(exc):
        return "authentication failed"  # never the server's text: it may echo the user name
    answer = _server_answer(exc)
    if answer is not None:
        return reason(answer, addresses)
    if isinstance(exc, (NoHostAvailable, UnresolvableContactPoints, ConnectionException, OSError)):
        return f"cannot reach {', '.join(addresses)}: {_cause(exc)}"
    if isinstance(exc, OperationTimedOut):
        return "Cassandra did not answer in time"
    if isinstance(exc, Unavailable):
        return (f"too few Cassandra replicas are up for {level_name(exc.consistency)} "
                f"({exc.alive_replicas} up, {exc.required_replicas} needed)")
    if isinstance(exc, (ReadTimeout, WriteTimeout)):
        what = "read" if isinstance(exc, ReadTimeout) else "write"
        return (f"Cassandra replicas did not confirm the {what} in time at "
                f"{level_name(exc.consistency)} ({exc.received_responses} of "
                f"{exc.required_responses} answered)")
    if isinstance(exc, CoordinationFailure):
        return f"Cassandra replicas failed the request at {level_name(exc.consistency)}"
    if isinstance(exc, InvalidRequest) and _missing_schema(str(exc)):
        return f"the analytics keyspace or its tables are missing: {SCHEMA_HINT}"
    if isinstance(exc, InvalidRequest) and "undefined column name" in str(exc).lower():
        return f"the analytics tables lack columns this version needs: {COLUMNS_HINT}"
    if isinstance(exc, Unauthorized):
        return "the Cassandra user may not read or write the analytics keyspace"
    return f"Cassandra refused the request ({type(exc).__name__})"


def is_driver_error(exc: BaseException) -> bool:
    """True for what the driver raises when a request fails (not for bugs of ours)."""
    return isinstance(exc, (DriverException, NoHostAvailable, ConnectionException, OSError))


def column_exists(exc: BaseException | None) -> bool:
    """True when an ALTER TABLE ... ADD failed because the column is there already (the
    wording of Cassandra 3, then of 4 and later)."""
    message = str(exc).lower()
    return isinstance(exc, InvalidRequest) and (
        "conflicts with an existing column" in message
        or ("column with name" in message and "already exists" in message))


def _server_answer(exc: BaseException) -> BaseException | None:
    """The refusal a server sent, when the driver gave up after it: a statement the coordinator
    refused (too few replicas up) is tried on the next host, and when none is left the driver
    raises NoHostAvailable holding each host's error. Its reason is the refusal's, not the
    connection's."""
    errors = getattr(exc, "errors", None)
    if not isinstance(exc, NoHostAvailable) or not isinstance(errors, dict):
        return None
    return next((error for error in errors.values()
                 if isinstance(error, (Unavailable, ReadTimeout, WriteTimeout, CoordinationFailure,
                                       OperationTimedOut))), None)


def _is_authentication(exc: BaseException) -> bool:
    if isinstance(exc, AuthenticationFailed):
        return True
    errors = getattr(exc, "errors", None)
    return isinstance(errors, dict) and any(
        isinstance(e, AuthenticationFailed) for e in errors.values())


def _cause(exc: BaseException) -> str:
    """Why the servers could not be reached, from the first error the driver kept per host."""
    if isinstance(exc, UnresolvableContactPoints):
        return "unknown host name"
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        if not errors:
            return "no server is up"
        exc = next(iter(errors.values()))
    if isinstance(exc, socket.gaierror):
        return "unknown host name"
    if isinstance(exc, ConnectionRefusedError) or getattr(exc, "errno", None) == errno.ECONNREFUSED:
        return "connection refused"
    if isinstance(exc, (OperationTimedOut, TimeoutError)):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return "connection failed"


def _missing_schema(message: str) -> bool:
    message = message.lower()
    return "unconfigured table" in message or (
        "keyspace" in message and "does not exist" in message)


def level_name(level: int | None) -> str:
    """A consistency level's name (LOCAL_QUORUM), for people."""
    return str(ConsistencyLevel.value_to_name.get(level, "the configured level"))
