"""The v1-compatible HTTP API of InfluxDB (1.x, 2.x, 3 Core) through aiohttp: /write, /query,
/ping (and 2.x's /api/v2 for `check --init`), with every failure turned into a reason a person
can read (and never the secret)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import aiohttp

from stores.errors import StoreUnavailable
from stores.urls import StoreUrl
from stores.vitals.influx.config import InfluxSettings
from stores.vitals.influx.errors import ResponseProblem, store_error

CHUNK_ROWS = "10000"  # chunked answers are not cut by a server's max-row-limit
# Answers uncompressed: a day of a bed's rollups is 320 kB, which InfluxDB took 17 ms to gzip
# (and this side to unzip) against 12 ms to find and send plain; a ward's network carries it in
# a few ms. Writes stay gzipped (`write`): there this side compresses, once, off the server.
_PLAIN = {"Accept-Encoding": "identity"}


class InfluxHttp:
    """One aiohttp session (opened at the first call, so opening needs no server) to the URL's
    servers; a call goes to the server that last answered, then tries the others."""

    def __init__(self, url: StoreUrl, secret: str | None, settings: InfluxSettings) -> None:
        self.database = url.path
        self.settings = settings
        self.addresses = url.addresses
        self.version: str | None = None  # from the X-Influxdb-Version header of any answer
        self.token = bool(secret) and not url.username  # a 2.x / 3 token, not 1.x credentials
        scheme = "https" if url.tls else "http"
        self._bases = [f"{scheme}://{_netloc(host, port)}" for host, port in url.hosts]
        self._problem = ResponseProblem(self.database, secret)
        self._headers = _authorization(url.username, secret)
        self._session: aiohttp.ClientSession | None = None
        self._current = 0
        self._closed = False

    async def select(self, query: str, in_database: bool = True) -> list[dict[str, Any]]:
        """The statement results of a read query; failures raised as StoreUnavailable/ValueError.
        `in_database=False` for server-wide ones (SHOW DATABASES): the database may not exist."""
        params = {"q": query, "epoch": "ms", "chunked": "true", "chunk_size": CHUNK_ROWS}
        if in_database:
            params["db"] = self.database
        status, body, _ = await self._request("GET", "/query", params, headers=_PLAIN)
        return self._problem.check_query(status, body, self._address())

    async def command(self, query: str) -> list[dict[str, Any]]:
        """A query that changes the server (CREATE ...): POST, as InfluxDB 1.x requires."""
        status, body, _ = await self._request("POST", "/query", {"q": query})
        return self._problem.check_query(status, body, self._address())

    async def write(self, gzipped_lines: bytes, rp: str) -> int:
        """Line protocol to the database, in retention policy `rp`; how many points the server
        dropped as older than the policy keeps (it keeps the others)."""
        params = {"db": self.database, "precision": "ms", "rp": rp}
        headers = {"Content-Encoding": "gzip", "Content-Type": "text/plain; charset=utf-8"}
        status, body, _ = await self._request("POST", "/write", params, gzipped_lines, headers)
        return self._problem.check_write(status, body, self._address())

    async def ping(self, index: int) -> tuple[float, str]:
        """Round trip in ms and server version of one server; StoreUnavailable if it is down."""
        started = time.perf_counter()
        status, body, version = await self._request("GET", "/ping", {}, only=index)
        latency_ms = (time.perf_counter() - started) * 1000.0
        self._problem.check_ping(status, self.addresses[index])
        return latency_ms, version or _json_version(body) or "?"

    async def server_version(self) -> str:
        """The version of the first server that answers /ping ("v2.7.11", "1.8.10", "?")."""
        status, body, version = await self._request("GET", "/ping", {})
        self._problem.check_ping(status, self._address())
        return version or _json_version(body) or "?"

    async def api(self, method: str, path: str, params: dict[str, Any] | None = None,
                  body: dict[str, Any] | None = None, absent_ok: bool = False) -> dict[str, Any] | None:
        """The JSON answer of an InfluxDB 2.x /api/v2 call; None for an empty answer, or for a
        404 when `absent_ok` (2.x answers a lookup by name of nothing with 404)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else None
        status, answer, _ = await self._request(method, path, params or {}, data, headers)
        if status == 404 and absent_ok:
            return None
        return self._problem.check_api(status, answer, self._address())

    async def close(self) -> None:
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    @property
    def current(self) -> str:
        """The server calls go to first: the last one that answered."""
        return self.addresses[self._current]

    def _address(self) -> str:
        return self.current

    def _open_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise StoreUnavailable("closed")
        if self._session is None:
            # total: a server trickling its answer never trips the wait for the next bytes
            timeout = aiohttp.ClientTimeout(total=self.settings.total_s,
                                            sock_connect=self.settings.connect_s,
                                            sock_read=self.settings.read_s)
            self._session = aiohttp.ClientSession(
                timeout=timeout, headers=self._headers,
                connector=aiohttp.TCPConnector(ssl=self.settings.ssl, limit=8))
        return self._session

    async def _request(self, method: str, path: str, params: dict[str, str], data: bytes | None = None,
                       headers: dict[str, Any] | None = None, only: int | None = None,
                       ) -> tuple[int, bytes, str | None]:
        """Status, body and X-Influxdb-Version of the first server that answers."""
        session = self._open_session()
        order = [only] if only is not None else [
            (self._current + step) % len(self._bases) for step in range(len(self._bases))]
        failures = []
        for index in order:
            try:
                async with session.request(method, self._bases[index] + path, params=params,
                                           data=data, headers=headers) as response:
                    body = await response.read()
            except (TimeoutError, aiohttp.ClientError) as exc:
                failures.append(store_error(exc, self.addresses[index]).reason)
                continue
            version = response.headers.get("X-Influxdb-Version")
            self.version = version or self.version
            if only is None:
                self._current = index
            return response.status, body, version
        raise StoreUnavailable("; ".join(failures))


def _authorization(username: str | None, secret: str | None) -> dict[str, str]:
    """A user in the URL: 1.x credentials (HTTP Basic, which 2.x's v1 API also takes); none but
    a secret: a 2.x / 3 token."""
    if username:
        pair = base64.b64encode(f"{username}:{secret or ''}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}
    return {"Authorization": f"Token {secret}"} if secret else {}


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _json_version(body: bytes) -> str | None:
    """InfluxDB 3 also says its version in the JSON body of /ping."""
    if not body.startswith(b"{"):
        return None
    try:
        version = json.loads(body).get("version")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None
