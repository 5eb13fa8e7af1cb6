"""What a Neo4j driver error means for the care network: a reason for people, never a secret.

`store_error` is the backend's error translator (each backend has one of that name)."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

from neo4j import exceptions as neo

from stores.errors import StoreError, StoreUnavailable, ValidationError

_DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
# Errors the driver raises when a server cannot be reached or a connection breaks.
_UNREACHABLE = (neo.ServiceUnavailable, neo.SessionExpired, neo.ConnectionPoolError, OSError)


class DatabaseMissing(StoreUnavailable):
    """The server has no database of the name the URL gives (`prepare` creates it)."""


def store_error(exc: BaseException, where: str, database: str | None) -> StoreError | None:
    """The store error for a driver error, or None for our own mistakes (a Cypher syntax
    error, say), which should surface as they are."""
    if isinstance(exc, neo.AuthError):
        return StoreUnavailable("authentication failed")
    if isinstance(exc, neo.ConstraintError):
        return ValidationError("id", "Someone else in the care network already has this id.")
    if isinstance(exc, neo.IncompleteCommit):
        # Every write of this store is idempotent, so sending it again (the outbox) is safe.
        return StoreUnavailable(f"lost {where} while saving; the change may not be saved")
    if isinstance(exc, _UNREACHABLE):
        return StoreUnavailable(f"cannot reach {where}: {unreachable_why(exc)}")
    return _server_error(exc, database)


def _server_error(exc: BaseException, database: str | None) -> StoreError | None:
    named = f"database {database}" if database else "default database"
    if isinstance(exc, neo.Forbidden):
        return StoreUnavailable("not allowed: the Neo4j user lacks a privilege for this")
    if isinstance(exc, neo.DatabaseUnavailable):
        return StoreUnavailable(f"the {named} is unavailable on the server")
    if isinstance(exc, neo.Neo4jError) and exc.code == _DATABASE_NOT_FOUND:
        return DatabaseMissing(f"the server has no {named} (`ward-station check --init` "
                               "creates it)")
    if isinstance(exc, neo.TransientError):
        return StoreUnavailable(f"the cluster could not serve the call now ({exc.code})")
    if isinstance(exc, neo.DatabaseError):
        return StoreUnavailable(f"the server failed ({exc.code})")
    return None


def unreachable_why(exc: BaseException) -> str:
    """Why a server could not be reached, in a few words, from the causes the driver chains
    (through ExceptionGroups when it tried several routers)."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, (TimeoutError, socket.timeout)):
            return "timed out"
        if isinstance(cause, ssl.SSLError):
            return "TLS handshake failed"
    text = str(exc).lower()
    for words, why in (("refused", "connection refused"), ("timed out", "timed out"),
                       ("routing information", "no routing information"),
                       ("certificate", "TLS handshake failed")):
        if words in text:
            return why
    return "connection lost" if isinstance(exc, neo.SessionExpired) else "no answer"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        cause = stack.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        stack.extend(getattr(cause, "exceptions", ()))
        stack.extend((cause.__cause__, cause.__context__))
