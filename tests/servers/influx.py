"""InfluxDB for the tests: Debian's `influxd` (1.x) with a generated config in a temporary folder,
on free ports; or the server named by WARD_TEST_INFLUX_URL (and WARD_TEST_INFLUX_PASSWORD).

Each test gets a database of its own (`fresh_url`); the fixture creates none, the contract
fixture's `prepare(create=True)` does, as `ward-station check --init` would (on 2.x: a bucket and
its DBRP mapping). On a server run elsewhere, what the session made is dropped at its end.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.lab.store_nodes import influxd_config
from tests.servers import (
    ServerProcess,
    external_secret,
    external_url,
    find_program,
    free_port,
    start_or_skip,
)
from tests.servers.influx_buckets import drop_buckets

# Retention policies that keep points for ever, for tests that write at fixed times years ago and
# are about something else than retention (which tests/stores/test_influx_rollups.py is about).
KEEP_FOR_EVER = "retention=inf&rollup_retention=inf&waveform_retention=inf"


@dataclass
class Influxd:
    """One influxd process and the port its HTTP API listens on."""

    process: ServerProcess
    port: int

    @property
    def url(self) -> str:
        return f"influxdb://127.0.0.1:{self.port}"


def influxd_program() -> str | None:
    return find_program("influxd", Path("/usr/bin/influxd"))


def start_influxd(folder: Path, port: int | None = None, auth: bool = False) -> Influxd:
    """Start influxd in `folder` (on `port`, or a free one) and wait until /ping answers."""
    program = influxd_program()
    if program is None:
        raise RuntimeError("influxd is not installed (Debian package influxdb)")
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "influxdb.conf"
    # the station's retention policies are not what the tests are about: they write at fixed
    # times years ago; a small row limit, so that un-chunked reads would be cut
    config.write_text(influxd_config(folder, port, free_port(), auth=auth, retention=False,
                                     max_rows=1000))
    process = ServerProcess([program, "-config", str(config)], folder, lambda: ping(port))
    return Influxd(process.start(), port)


def ping(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=0.5) as answer:
            return answer.status == 204
    except (OSError, urllib.error.URLError):
        return False


def server_version(base: str) -> str:
    """The version a server tells in /ping ("1.6.7", "2.7.11"; 2.x says "v2.7.11"), or ""."""
    try:
        with urllib.request.urlopen(f"{base}/ping", timeout=5) as answer:
            return (answer.headers.get("X-Influxdb-Version") or "").lstrip("v")
    except urllib.error.HTTPError as exc:  # 3 Core may want a token for /ping: it still says
        return (exc.headers.get("X-Influxdb-Version") or "").lstrip("v")
    except (OSError, urllib.error.URLError):
        return ""


def influxql(base: str, query: str, user: str | None = None, secret: str | None = None,
             path: str = "/query") -> bytes:
    """POST one InfluxQL statement to `base` (http://host:port), as an administrator would;
    with `path="/write?db=..."`, `query` is line protocol instead."""
    body = query.encode() if path.startswith("/write") else urllib.parse.urlencode(
        {"q": query}).encode()
    request = urllib.request.Request(f"{base}{path}", method="POST", data=body)
    if secret and user:
        token = base64.b64encode(f"{user}:{secret}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    elif secret:
        request.add_header("Authorization", f"Token {secret}")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.read()


@dataclass
class InfluxServer:
    """What the contract tests need: a URL of an empty database per test, and the secret."""

    url: str  # the server's URL; its path is replaced per test
    secret: str | None = None
    influxd: Influxd | None = None
    prefix: str = ""  # on a shared server, this session's databases never meet another's
    used: list[str] = field(default_factory=list)
    version: str = ""  # from /ping: "1.6.7", "2.7.11"

    @property
    def v2(self) -> bool:
        """InfluxDB 2.x with a token: databases are buckets and DBRP mappings."""
        return self.version.startswith("2.") and bool(self.secret) and not self._parts.username

    @property
    def _parts(self) -> urllib.parse.SplitResult:
        return urllib.parse.urlsplit(self.url)

    @property
    def base(self) -> str:
        """http(s)://host:port of the (first) server."""
        scheme = "https" if self._parts.scheme == "influxdbs" else "http"
        host = self._parts.netloc.rpartition("@")[2].split(",")[0]
        return f"{scheme}://{host}" + ("" if re.search(r":\d+$", host) else ":8086")

    def fresh_url(self, name: str) -> str:
        database = f"{self.prefix}{name}"
        self.used.append(database)
        return urllib.parse.urlunsplit(self._parts._replace(path=f"/{database}"))

    def run(self, query: str, path: str = "/query") -> bytes:
        """An administrator's InfluxQL statement (or line protocol to a /write path)."""
        return influxql(self.base, query, self._parts.username, self.secret, path)

    def drop_used(self) -> None:
        """Best effort: leave a shared server as it was found (1.x: DROP DATABASE; 2.x: the
        DBRP mappings and buckets, through the v2 API)."""
        if self.v2:
            org = urllib.parse.parse_qs(self._parts.query).get("org", [None])[0]
            try:
                drop_buckets(self.base, self.secret, self.used, org)
            except (OSError, ValueError):
                pass
            return
        for database in self.used:
            try:
                self.run(f'DROP DATABASE "{database}"')
            except (OSError, urllib.error.URLError):
                pass


@pytest.fixture(scope="session")
def influx_server(tmp_path_factory):
    external = external_url("influx")
    if external:
        server = InfluxServer(external, external_secret("influx"),
                              prefix=f"ward_test_{uuid.uuid4().hex[:8]}_")
        server.version = server_version(server.base)
        yield server
        server.drop_used()
        return
    if influxd_program() is None:
        pytest.skip("influxd is not installed here (Debian package influxdb)")
    folder = tmp_path_factory.mktemp("influxd")
    influxd = start_or_skip("influxd", lambda: start_influxd(folder))
    yield InfluxServer(influxd.url, influxd=influxd,
                       version=server_version(f"http://127.0.0.1:{influxd.port}"))
    influxd.process.stop()
