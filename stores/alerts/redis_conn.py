"""Reaching the alarm bus's Redis: the URL's settings, the client (direct or via Sentinel)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis
import redis.exceptions as rex
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import NoBackoff

from stores.alerts.redis_errors import store_error
from stores.errors import StoreUnavailable
from stores.urls import StoreUrl, StoreUrlError

if TYPE_CHECKING:
    from redis.typing import SentinelMastersResponse

# the driver's keyword arguments, of as many types as it has options
Options = dict[str, Any]

CONNECT_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class RedisSettings:
    """What the URL asks of the bus (see the options in `stores.alerts.redis`)."""

    url: StoreUrl
    master_name: str | None  # set for Sentinel URLs
    db: int
    wait_replicas: int
    wait_timeout_ms: int
    stream_maxlen: int
    timeout_s: float
    sentinel_auth: bool

    @property
    def sentinel(self) -> bool:
        return self.master_name is not None


def read_settings(url: StoreUrl) -> RedisSettings:
    """The settings a URL names; StoreUrlError for a path or option that cannot be used."""
    sentinel = url.scheme.endswith("+sentinel")
    master, _, db = url.path.partition("/") if sentinel else (None, "", url.path)
    return RedisSettings(
        url=url, master_name=master, db=_number(url, "database", db or "0", 0, 9999),
        wait_replicas=_number(url, "wait_replicas", url.option("wait_replicas", "1"), 0, 16),
        wait_timeout_ms=_number(url, "wait_timeout_ms", url.option("wait_timeout_ms", "500"),
                                1, 60_000),
        stream_maxlen=_number(url, "stream_maxlen", url.option("stream_maxlen", "10000"),
                              100, 10**9),
        timeout_s=_number(url, "timeout_ms", url.option("timeout_ms", "5000"), 500, 60_000) / 1e3,
        sentinel_auth=url.option("sentinel_auth", "true").lower() not in ("0", "false", "no"),
    )


def _number(url: StoreUrl, name: str, text: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise StoreUrlError(url.store, f"{name} must be a whole number from {low} to {high}, "
                            f"not {text!r}")
    return int(text)


def _tls_options(url: StoreUrl) -> Options:
    """The driver's TLS arguments for `?tls_ca=...&tls_cert=...&tls_key=...&tls_verify=false`."""
    if not url.tls:
        return {}
    verify = url.option("tls_verify", "true").lower() not in ("0", "false", "no")
    return {"ssl": True, "ssl_ca_certs": url.option("tls_ca"),
            "ssl_certfile": url.option("tls_cert"), "ssl_keyfile": url.option("tls_key"),
            "ssl_cert_reqs": "required" if verify else "none",
            "ssl_check_hostname": verify and url.option("tls_check_hostname", "true") != "false"}


def _client_options(settings: RedisSettings, secret: str | None) -> Options:
    # No retries inside the driver: a retried script could write an alarm twice, and a call
    # must fail promptly so that the station can say the bus is away.
    # RESP2: RESP3 adds a handshake round trip per connection and nothing the bus uses.
    # Bytes that are not UTF-8 (anyone who may write could store some) read as U+FFFD, so that
    # they fail the record's checks instead of raising inside the driver, before any record
    # could be refused and counted.
    return {"username": settings.url.username, "password": secret, "decode_responses": True,
            "encoding_errors": "replace",
            "protocol": 2,
            "socket_connect_timeout": CONNECT_TIMEOUT_S, "socket_timeout": settings.timeout_s,
            "retry": Retry(NoBackoff(), 0), **_tls_options(settings.url)}


class SentinelClient(aioredis.Redis):
    """A Sentinel's client that remembers why it last failed to answer (the driver's own
    "no master found" error says only "network:ConnectionError")."""

    last_error: BaseException | None = None

    async def sentinel_masters(self) -> SentinelMastersResponse:
        try:
            masters = await super().sentinel_masters()
        except (rex.ConnectionError, rex.TimeoutError) as exc:
            self.last_error = exc
            raise
        self.last_error = None
        return masters

    @property
    def address(self) -> str:
        kwargs = self.connection_pool.connection_kwargs
        return f"{kwargs['host']}:{kwargs['port']}"


class Connection:
    """The bus's client (nothing connects until the first call) and, with Sentinel, the
    Sentinel client that finds the master again after a failover."""

    def __init__(self, settings: RedisSettings, secret: str | None) -> None:
        self.settings = settings
        self.secret = secret
        options = _client_options(settings, secret)
        self.sentinel: Sentinel | None = None
        if settings.master_name is not None:  # a Sentinel URL
            self.sentinel = _sentinel(settings, options)
            self.client = self.sentinel.master_for(settings.master_name, db=settings.db)
        else:
            host, port = settings.url.hosts[0]
            self.client = aioredis.Redis(host=host, port=port, db=settings.db, **options)

    def where(self) -> str:
        """The server a failure concerns, for the reason shown to people."""
        if self.sentinel is None:
            return self.settings.url.addresses[0]
        address = getattr(self.client.connection_pool, "master_address", None)
        name = self.settings.master_name
        return f"master {name!r} at {address[0]}:{address[1]}" if address else f"master {name!r}"

    def sentinels(self) -> list[SentinelClient]:
        """The Sentinels, in the order the driver asks them now; none for a direct URL."""
        found = [] if self.sentinel is None else self.sentinel.sentinels
        return [sentinel for sentinel in found if isinstance(sentinel, SentinelClient)]

    def store_error(self, exc: BaseException) -> StoreUnavailable:
        """The backend's translator (`redis_errors.store_error`) with what this connection
        knows: the server in use, the Sentinels' last failures, the secret to scrub."""
        sentinels = sorted(
            ((s.address, s.last_error) for s in self.sentinels()),
            key=lambda pair: self.settings.url.addresses.index(pair[0]))  # as the URL has them
        return store_error(exc, self.where(), self.settings.timeout_s, sentinels, self.secret)

    @contextlib.asynccontextmanager
    async def calling(self, timeout_s: float | None = None) -> AsyncIterator[None]:
        """Run a call with a deadline; any failure to reach the server leaves as
        StoreUnavailable with a reason for people."""
        try:
            async with asyncio.timeout(timeout_s or self.settings.timeout_s):
                yield
        except (rex.RedisError, OSError, TimeoutError) as exc:
            raise self.store_error(exc) from None

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.sentinel is not None:
            await self.sentinel.aclose()


def _sentinel(settings: RedisSettings, options: Options) -> Sentinel:
    """The Sentinel client; it is given the secret too unless `?sentinel_auth=false`."""
    sentinel_options = dict(options) if settings.sentinel_auth else {
        **options, "username": None, "password": None}
    sentinel = Sentinel([], sentinel_kwargs=sentinel_options, **options)
    sentinel.sentinels = [SentinelClient(host=host, port=port, **sentinel_options)
                          for host, port in settings.url.hosts]
    return sentinel
