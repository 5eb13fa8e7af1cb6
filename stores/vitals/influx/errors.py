"""InfluxDB's answers and aiohttp's failures as the store's errors, in words a person can act on.

Never a secret (any text from the server is scrubbed of it) and never a driver object's repr.
`store_error` is the backend's error translator for aiohttp's failures (each backend has one of
that name); `ResponseProblem` checks the answers the server did give.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import aiohttp

from stores.errors import StoreUnavailable, ValidationError
from stores.secret_text import scrub

_FIELD = re.compile(r'field \\?"([A-Za-z_]+)\\?"')
# 1.x: "partial write: points beyond retention policy dropped=3"; 2.x says the same words.
_BEYOND_RETENTION = re.compile(r"points beyond retention policy dropped=(\d+)")


def store_error(exc: BaseException, address: str) -> StoreUnavailable:
    """The StoreUnavailable for aiohttp's failure to reach the server at `address`."""
    return StoreUnavailable(f"cannot reach {address}: {_unreachable_reason(exc)}")


def _unreachable_reason(exc: BaseException) -> str:
    """Why a server could not be reached, in a few words."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return "its TLS certificate is not trusted (give the CA with ?ca=)"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "the TLS handshake failed"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "unknown host"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return exc.os_error.strerror or type(exc.os_error).__name__
    if isinstance(exc, asyncio.TimeoutError):
        return "timed out"
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError,
                        aiohttp.ClientOSError)):
        return "the connection was lost"
    return type(exc).__name__


class ResponseProblem:
    """Turns InfluxDB's non-success answers into StoreUnavailable, ValidationError or ValueError."""

    def __init__(self, database: str, secret: str | None) -> None:
        self._database = database
        self._secret = secret

    def check_query(self, status: int, body: bytes, address: str) -> list[dict[str, Any]]:
        """The statement results of a /query answer (one JSON document per chunk line)."""
        self._check_status(status, body, address, writing=False)
        results = []
        try:
            for line in body.splitlines():
                if line.strip():
                    results.extend(json.loads(line).get("results", ()))
        except (ValueError, AttributeError):
            raise StoreUnavailable(f"{address} does not answer as InfluxDB does") from None
        for result in results:
            if "error" in result:
                self._statement_error(scrub(str(result["error"]), self._secret), address)
        return results

    def check_write(self, status: int, body: bytes, address: str) -> int:
        """How many points the server dropped as older than the policy keeps: a partial write
        that kept the rest, what the hospital's retention asks for, not a failure to retry."""
        if status in (400, 422):
            beyond = _BEYOND_RETENTION.search(_error_text(body))
            if beyond and not _other_problem(_error_text(body), beyond):
                return int(beyond.group(1))
        self._check_status(status, body, address, writing=True)
        return 0

    def check_ping(self, status: int, address: str) -> None:
        """Any answer but an error means the server is up; credentials are checked elsewhere
        (InfluxDB 3 may want them for /ping; 1.x never does)."""
        if status >= 300 and status not in (401, 403):
            raise StoreUnavailable(f"{address} answered /ping with HTTP {status}")

    def check_api(self, status: int, body: bytes, address: str) -> dict[str, Any] | None:
        """The JSON of an InfluxDB 2.x /api/v2 answer (orgs, buckets, DBRP mappings). 2.x says
        401 also for a token that lacks a permission, and names the permission: shown."""
        if status >= 300:
            text = scrub(_error_text(body), self._secret)
            if status in (401, 403):
                raise StoreUnavailable(f"authentication failed: {text}"[:300])
            if status in (400, 409, 422):
                raise StoreUnavailable(f"InfluxDB refused: {text}"[:300])
            raise StoreUnavailable(f"{address} answered HTTP {status}: {text}"[:300])
        try:
            data = json.loads(body) if body.strip() else None
        except ValueError:
            data = []  # not a JSON object: refused below
        if data is not None and not isinstance(data, dict):
            raise StoreUnavailable(f"{address} does not answer as InfluxDB 2 does")
        return data

    def not_found(self, address: str) -> StoreUnavailable:
        return StoreUnavailable(f"database {self._database!r} not found on {address}; "
                                "create it with `ward-station check --init`")

    def _check_status(self, status: int, body: bytes, address: str, writing: bool) -> None:
        if status < 300:
            return
        text = scrub(_error_text(body), self._secret)
        if status == 401:
            raise StoreUnavailable("authentication failed")
        if status == 403:
            raise _permission_denied(text)
        if _names_missing_database(text):
            raise self.not_found(address)
        if status == 404:
            raise StoreUnavailable(f"{address} answered HTTP 404 (is it InfluxDB?): {text}"[:300])
        if status in (400, 413, 422) and writing:
            match = _FIELD.search(text)
            raise ValidationError(match.group(1) if match else "samples", text)
        if status in (400, 413, 422):
            raise ValueError(f"InfluxDB refused the query: {text}")
        raise StoreUnavailable(f"{address} answered HTTP {status}: {text}"[:300])

    def _statement_error(self, text: str, address: str) -> None:
        if _names_missing_database(text):
            raise self.not_found(address)
        if "authoriz" in text or "authenticat" in text:
            raise _permission_denied(text)
        raise ValueError(f"InfluxDB refused the query: {text}")


def _other_problem(text: str, beyond: re.Match[str]) -> bool:
    """A partial write that also refused points for another reason (a field type conflict)."""
    rest = (text[:beyond.start()] + text[beyond.end():]).lower()
    return "conflict" in rest or "unable to parse" in rest or "invalid" in rest


def _names_missing_database(text: str) -> bool:
    """1.x: "database not found: x"; 2.x: bucket "x/autogen" not found; 3: database x not found."""
    text = text.lower()
    return "not found" in text and ("database" in text or "bucket" in text)


def _permission_denied(text: str) -> StoreUnavailable:
    """403: the user is known but may not do this; 1.x says what it requires."""
    needs = f" ({text[text.index('requires'):]})" if "requires" in text else ""
    return StoreUnavailable(f"authentication failed: permission denied{needs}")


def _error_text(body: bytes) -> str:
    """The message of an error answer: 1.x and 3 say {"error": ...}, 2.x {"message": ...}."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300] or "(no message)"
    if isinstance(data, dict):
        return str(data.get("error") or data.get("message") or text)[:300]
    return text[:300]
