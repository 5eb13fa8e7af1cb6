"""The MongoDB client of the patient store, built from its URL and secret without connecting."""

from __future__ import annotations

import ssl
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import ConfigurationError

from stores.secret_text import scrub
from stores.urls import StoreUrl, StoreUrlError, check_secret, time_limit

# Patient records are strong (ARCHITECTURE.md): a write is acknowledged once a majority of the
# replica set has it in its journal, and reads see only majority-committed data. A URL may not
# weaken that.
Document = dict[str, Any]  # a MongoDB document as the driver reads and writes it
Client = AsyncMongoClient[Document]

CONSISTENCY: dict[str, Any] = {"w": "majority", "journal": True, "readConcernLevel": "majority",
               "retryWrites": True}
_FIXED = {name.lower() for name in CONSISTENCY} | {"wtimeoutms"}
# A call must turn into StoreUnavailable within seconds, whatever holds it up: finding a server
# (while one is down, or during an election), connecting, or a majority that does not answer.
# timeoutMS bounds the whole call, retries included, and then also bounds server selection;
# serverSelectionTimeoutMS still applies where a URL turns timeoutMS off (timeoutMS=0).
DEFAULTS = {"timeoutMS": 3000, "serverSelectionTimeoutMS": 3000, "connectTimeoutMS": 3000}
# The time limits a URL may set, and their most (ms): 0 or a huge value turns a deadline off.
_TIME_LIMITS = {name.lower(): name for name in (
    "timeoutMS", "serverSelectionTimeoutMS", "connectTimeoutMS", "socketTimeoutMS",
    "waitQueueTimeoutMS")}
MAX_LIMIT_MS = 600_000
# Building indexes on a large collection takes longer than a call may.
SCHEMA_TIMEOUT_S = 120.0
# The options naming files the driver opens while the client is built (TLS material).
_FILE_OPTIONS = ("tlsCAFile", "tlsCertificateKeyFile", "tlsCRLFile")


def build_client(url: StoreUrl, secret: str | None) -> Client:
    """The client for `url` (its query options passed through); the secret goes in as a keyword,
    never into a URL string. Raises StoreUrlError for an option the driver refuses."""
    if any(name.lower() == "password" for name in url.options):
        raise StoreUrlError(url.store, "the URL carries a password; put it in the environment "
                            "variable WARD_STATION_PATIENTS_PASSWORD or the OS keyring instead")
    fixed = sorted(name for name in url.options if name.lower() in _FIXED)
    if fixed:
        raise StoreUrlError(url.store, f"the URL sets {', '.join(fixed)}; Ward Station fixes the "
                            "write and read concerns of patient records (majority, journaled)")
    _check_time_limits(url)
    # insecure=true is Ward Station's (stores.urls), not PyMongo's
    passed = {name: value for name, value in url.options.items() if name != "insecure"}
    given = {name.lower() for name in passed}
    options: dict[str, Any] = {name: value for name, value in DEFAULTS.items()
                               if name.lower() not in given}
    options.update(passed)
    if url.username:
        options["username"] = url.username
        # As in a mongodb:// URL: the user is defined in the database the URL names.
        if "authsource" not in given:
            options["authSource"] = url.path
        check_secret(url.store, url.username, secret)
        options["password"] = secret
    try:
        hosts = [address_text(host, port) for host, port in url.hosts]
        return AsyncMongoClient(host=hosts, appname="ward-station", **CONSISTENCY, **options)
    except (ConfigurationError, ValueError, TypeError) as exc:
        raise StoreUrlError(url.store, f"MongoDB option: {scrub(str(exc), secret)}") from None
    except OSError as exc:  # a TLS file that is missing, unreadable, or not PEM (ssl.SSLError)
        raise StoreUrlError(url.store, _file_problem(url, exc)) from None


def _check_time_limits(url: StoreUrl) -> None:
    """Every call keeps a deadline: a time limit of 0 (none), inf or longer than ten minutes
    is refused."""
    for name, text in url.options.items():
        if name.lower() not in _TIME_LIMITS:
            continue
        if time_limit(text, MAX_LIMIT_MS) is None:
            raise StoreUrlError(url.store, f"?{name}={text} must be milliseconds above 0 and at "
                                f"most {MAX_LIMIT_MS} (every call needs a deadline), for "
                                f"example ?{_TIME_LIMITS[name.lower()]}=3000")


def _file_problem(url: StoreUrl, exc: OSError) -> str:
    """Which file option the driver could not use, and why, in one line."""
    named = [f"{name}={value}" for name, value in url.options.items()
             if name in _FILE_OPTIONS or (exc.filename and value == exc.filename)]
    which = " or ".join(dict.fromkeys(named)) or "a TLS file of the URL"
    if isinstance(exc, ssl.SSLError):
        why = (exc.reason or exc.strerror or "not a PEM certificate").replace("_", " ")
        return f"MongoDB option {which}: the file cannot be used for TLS ({why.lower()})"
    why = (exc.strerror or type(exc).__name__).lower()
    return f"MongoDB option {which}: {why}"


def address_text(host: str, port: int | None) -> str:
    """"m1:27017", or "[::1]:27017" for an IPv6 address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
