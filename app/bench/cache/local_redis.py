"""A redis-server of the bench's own, for `bench cache` without a config: started from PATH on a
free loopback port in the run's temporary folder, without persistence, and stopped after."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from app.bench.common import BenchError

START_LIMIT_S = 10.0


@contextlib.contextmanager
def local_redis(folder: Path) -> Iterator[str]:
    """The URL of a redis-server started for the run; BenchError (exit 2) if there is none on
    PATH, or it does not answer."""
    program = shutil.which("redis-server")
    if program is None:
        raise BenchError("bench cache needs Redis: name one in --config (stores.alerts = "
                         "\"redis://...\") or install redis-server (none on PATH)", exit_code=2)
    port = _free_port()
    argv = [program, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
            "--save", "", "--appendonly", "no"]
    with open(folder / "redis-server.log", "wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_LIMIT_S
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise BenchError(f"the bench's redis-server did not start on port {port}")
        time.sleep(0.05)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
