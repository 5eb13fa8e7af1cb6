"""Redis alarm bus over TLS (`rediss://`): the URL's TLS options reach the driver."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import redis

from stores.errors import StoreUnavailable
from tests.servers import ServerProcess, free_port, start_or_skip
from tests.servers.redis import redis_program
from tests.stores.redis_support import alarm, open_bus  # noqa: F401

pytestmark = pytest.mark.asyncio


def _certificates(folder) -> None:
    """A throw-away CA and a server certificate for 127.0.0.1, made with the openssl CLI."""
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for argv in (
        "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=ward-ca",
        "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem "
        "-days 1 -extfile san.ext",
    ):
        subprocess.run(["openssl", *argv.split()], cwd=folder, check=True, capture_output=True)


def _answers_tls(port: int, ca: str) -> bool:
    try:
        with redis.Redis(port=port, ssl=True, ssl_ca_certs=ca, socket_timeout=1) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture
def tls_redis(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a test certificate")
    _certificates(tmp_path)
    port, ca = free_port(), str(tmp_path / "ca.pem")
    argv = [redis_program() or "redis-server", "--port", "0", "--tls-port", str(port),
            "--bind", "127.0.0.1", "--save", "", "--tls-cert-file", str(tmp_path / "server.pem"),
            "--tls-key-file", str(tmp_path / "server.key"), "--tls-ca-cert-file", ca,
            "--tls-auth-clients", "no"]
    server = start_or_skip("redis-server with TLS", lambda: ServerProcess(
        argv, tmp_path, lambda: _answers_tls(port, ca), timeout_s=10).start())
    yield port, ca
    server.stop()


async def test_a_tls_url_with_its_ca_reaches_the_server(tls_redis, open_bus):
    port, ca = tls_redis
    bus = await open_bus(f"rediss://127.0.0.1:{port}/0?tls_ca={ca}", None)

    await bus.publish(alarm("a1"))

    assert [a.id for a in await bus.active("north")] == ["a1"]


async def test_a_server_certificate_nobody_trusts_is_refused_saying_so(tls_redis, open_bus):
    port, _ = tls_redis
    bus = await open_bus(f"rediss://127.0.0.1:{port}/0", None)

    with pytest.raises(StoreUnavailable) as refused:
        await bus.active("north")

    assert refused.value.reason.startswith(f"TLS with 127.0.0.1:{port} failed: certificate")


async def test_tls_verify_false_skips_the_check(tls_redis, open_bus):
    port, _ = tls_redis
    bus = await open_bus(f"rediss://127.0.0.1:{port}/0?tls_verify=false", None)

    assert await bus.active("north") == []
