"""Real servers for the tests: started on free ports in temporary folders, stopped afterwards.

Each server kind has a module here with a session fixture (imported by `tests/conftest.py`) that
yields an object with `fresh_url(name) -> str`: the URL of an empty store for one test, and
`secret` (a password or token, or None). A server that cannot be started here skips its tests with
the reason; `WARD_TEST_<KIND>_URL` points the same tests at a server run elsewhere instead.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest

from app.lab.programs import find_program  # noqa: F401 - the servers' modules take it from here

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def external_url(kind: str) -> str | None:
    """The URL of a server run elsewhere, from WARD_TEST_<KIND>_URL, if set."""
    return os.environ.get(f"WARD_TEST_{kind.upper()}_URL") or None


def external_secret(kind: str) -> str | None:
    return os.environ.get(f"WARD_TEST_{kind.upper()}_PASSWORD") or None


def accept_plain(store: str, url: str, secret: str | None) -> str:
    """`url` with insecure=true where it would send `secret` unprotected (the test servers
    listen on loopback without TLS); otherwise as it is."""
    from stores.urls import parse_store_url, transport_problem

    if not transport_problem(parse_store_url(store, url), secret) \
            or "insecure=" in url.partition("?")[2]:
        return url
    return url + ("&" if "?" in url else "?") + "insecure=true"


class ServerProcess:
    """One server process with its log file; `start` waits until `ready()` is true."""

    def __init__(self, argv: Sequence[str], folder: Path, ready: Callable[[], bool],
                 env: dict[str, str] | None = None, timeout_s: float = 30.0) -> None:
        self.argv = list(argv)
        self.folder = folder
        self.ready = ready
        self.env = env
        self.timeout_s = timeout_s
        self.log_path = folder / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.argv, cwd=self.folder, stdout=log,
                                            stderr=subprocess.STDOUT, env=self.env,
                                            start_new_session=True)
        deadline = time.monotonic() + self.timeout_s
        while not self.ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.argv[0]} did not start: {self.log_tail()}")
            time.sleep(0.05)
        return self

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """Stop at once, as a crash or a pulled plug would (SIGKILL)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def start_or_skip(what: str, start: Callable[[], T]) -> T:
    """Start a server, or skip the tests that need it saying why (never silently)."""
    try:
        return start()
    except (OSError, RuntimeError) as exc:
        pytest.skip(f"{what} could not be started here: {exc}")
