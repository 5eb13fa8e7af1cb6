"""Driver errors of the Redis alarm bus as reasons for people (never a repr, never a secret).

`store_error` is the backend's error translator (each backend has one of that name)."""

from __future__ import annotations

import errno
import os
import re
import ssl
from collections.abc import Sequence

import redis.exceptions as rex
from redis.asyncio.sentinel import MasterNotFoundError

from stores.errors import StoreUnavailable
from stores.secret_text import scrub


def store_error(exc: BaseException, where: str, timeout_s: float,
                sentinels: Sequence[tuple[str, BaseException | None]] = (),
                secret: str | None = None) -> StoreUnavailable:
    """The StoreUnavailable that says why a call failed (see `reason`), `secret` scrubbed out."""
    return StoreUnavailable(scrub(reason(exc, where, timeout_s, sentinels), secret))


def reason(exc: BaseException, where: str, timeout_s: float,
           sentinels: Sequence[tuple[str, BaseException | None]] = ()) -> str:
    """Why a call failed. `sentinels`: each Sentinel's address and why it last failed to
    answer (None if it answered), used when no master could be found."""
    text = str(exc)
    # an unauthenticated client sending a long command (a script) gets "Protocol error:
    # unauthenticated multibulk length" rather than NOAUTH
    if isinstance(exc, rex.AuthenticationError) or any(
            word in text for word in ("WRONGPASS", "NOAUTH", "unauthenticated")):
        if "no password is set" in text or "without any password" in text:
            return "authentication failed: the server has no password set, but one was given"
        return "authentication failed"
    if "exhausted the last possible ID" in text:  # a forged entry id at the top of the stream
        return (f"the alarm stream on {where} takes no new entry: it ends with a forged entry "
                "id; an administrator must delete the region's ward:<region>:stream key")
    # inside a script, a command the ACL refuses comes back as a plain error with these words
    if isinstance(exc, rex.NoPermissionError) or "can't run this command" in text:
        return f"the user may not run the alarm bus's commands on {where} (check its ACL)"
    if isinstance(exc, MasterNotFoundError):  # its text is the Sentinel clients' reprs
        return _no_master(where, timeout_s, sentinels)
    tls_problem = _tls_problem(exc)
    if tls_problem:
        return f"TLS with {where} failed: {tls_problem}"
    if isinstance(exc, (TimeoutError, rex.TimeoutError)):
        return f"no answer from {where} within {timeout_s:g} s"
    if isinstance(exc, rex.BusyLoadingError):
        return f"{where} is loading its data; try again shortly"
    if isinstance(exc, rex.ReadOnlyError) or "previous master is now a slave" in text:
        return f"{where} is a read-only replica now (failover in progress)"
    if isinstance(exc, (rex.ConnectionError, OSError)):
        return f"cannot reach {where}: {_socket_problem(exc)}"
    if isinstance(exc, rex.ResponseError):
        return f"{where} refused the command: {text.splitlines()[0] if text else 'no reason'}"
    return f"{where}: {type(exc).__name__}"


def _no_master(where: str, timeout_s: float,
               sentinels: Sequence[tuple[str, BaseException | None]]) -> str:
    addresses = ", ".join(address for address, _ in sentinels)
    failures = [error for _, error in sentinels if error is not None]
    if sentinels and len(failures) == len(sentinels):
        # the Sentinels' own reason: a refused password, TLS, or no connection at all
        first = reason(failures[0], f"the Sentinels at {addresses}", timeout_s)
        return first if first.startswith(("authentication", "TLS")) else \
            f"cannot reach the Sentinels at {addresses}: {_socket_problem(failures[0])}"
    return (f"the Sentinels at {addresses} know no working {where} (failover in progress?)")


def _tls_problem(exc: BaseException) -> str | None:
    """What went wrong in a TLS handshake ("certificate verify failed: ..."), or None."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificate verify failed: {seen.verify_message}"
        if isinstance(seen, ssl.SSLError):
            return (seen.reason or "handshake failed").lower().replace("_", " ")
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "[SSL" in text:  # OpenSSL's "[SSL: ...]"
        match = re.search(r"certificate verify failed: ([^(]+)", text)
        return f"certificate verify failed: {match.group(1).strip()}" if match else \
            "the TLS handshake failed"
    return None


def _socket_problem(exc: BaseException) -> str:
    text = str(exc).lower()
    code = _errno(exc)
    if code == errno.ECONNREFUSED or "refused" in text:
        return "connection refused"
    if code is not None and code < 0:  # a resolver error (socket.gaierror)
        return "unknown host name"
    if "closed by server" in text or "reset by peer" in text or code == errno.ECONNRESET:
        return "the server closed the connection"
    if "timeout" in text or "timed out" in text:
        return "no answer (timed out)"
    return os.strerror(code).lower() if code else "connection failed"


def _errno(exc: BaseException) -> int | None:
    """The OS error number behind a driver error ("Error 111 connecting to ...")."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and isinstance(seen.errno, int):
            return seen.errno
        seen = seen.__cause__ or seen.__context__
    match = re.search(r"Error (-?\d+) ", str(exc))
    return int(match.group(1)) if match else None
