"""One server process of the lab: started in the background with its output in a log file beside
its data, waited for until it answers, stopped cleanly or killed, measured (RSS).

Servers are started in a session of their own, so a Ctrl-C in the terminal that started the lab
reaches the lab, which decides what to stop, and never the servers directly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

POLL_S = 0.1


class ServerFailed(RuntimeError):
    """A server exited or did not answer in time; the message ends with its log's last lines."""


class ServerProcess:
    """A server's process: `start()` returns at once, `wait_ready()` until `ready()` is true."""

    def __init__(self, name: str, argv: Sequence[str], folder: Path, ready: Callable[[], bool],
                 env: dict[str, str] | None = None, own_log: Path | None = None) -> None:
        self.name = name  # "neo4j", "cassandra-2": how people and the lab's commands call it
        self.argv = list(argv)
        self.folder = folder
        self.ready = ready
        self.env = env
        self.log_path = folder / "server.log"  # what the JVM prints
        self.own_log = own_log  # the log the server writes itself, if it has one
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0  # time.monotonic() of the last start

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> ServerProcess:
        """Start the process in the background (not waiting for it to answer)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.argv, cwd=self.folder, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            env=self.env, start_new_session=True)
        self.started_at = time.monotonic()
        return self

    def answers(self) -> bool:
        """Whether it answers now; ServerFailed if it exited."""
        if self.process is None:
            raise ServerFailed(f"{self.name} was not started")
        code = self.process.poll()
        if code is not None:
            raise ServerFailed(f"{self.name} exited with code {code}; {self.log_tail()}")
        return self.ready()

    def wait_ready(self, timeout_s: float) -> None:
        wait_all([self], timeout_s)

    def stop(self, timeout_s: float = 30.0) -> None:
        """A clean stop (SIGTERM: the server flushes and closes its files), then SIGKILL if it
        has not ended within `timeout_s`."""
        if not self.running:
            return
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """End it at once, as a crash or a pulled plug would (SIGKILL)."""
        if self.running:
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def rss_mb(self) -> float | None:
        """Its resident memory in MB, or None when it does not run."""
        if not self.running:
            return None
        import psutil

        try:
            return float(psutil.Process(self.pid).memory_info().rss) / 2**20
        except psutil.Error:
            return None

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the log written last ("the end of PATH:" and the lines)."""
        logs = [path for path in (self.log_path, self.own_log) if path and _size(path)]
        if not logs:
            return f"{self.log_path} is empty"
        newest = max(logs, key=lambda path: path.stat().st_mtime)
        text = newest.read_text(encoding="utf-8", errors="replace")
        return f"the end of {newest}:\n" + "\n".join(text.splitlines()[-lines:])


def stop_all(servers: Iterable[ServerProcess], timeout_s: float = 30.0) -> None:
    """Stop servers side by side: ask each to stop, then wait, killing those still running."""
    running = [server for server in servers if server.running]
    for server in running:
        assert server.process is not None
        server.process.terminate()
    deadline = time.monotonic() + timeout_s
    for server in running:
        assert server.process is not None
        try:
            server.process.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            server.kill()


def wait_all(servers: Iterable[ServerProcess], timeout_s: float) -> None:
    """Wait until every server answers, all at once: they start side by side. ServerFailed
    names the first that exited, or those still silent after `timeout_s`."""
    waiting = list(servers)
    deadline = time.monotonic() + timeout_s
    while waiting:
        waiting = [server for server in waiting if not server.answers()]
        if waiting and time.monotonic() > deadline:
            raise ServerFailed(f"{', '.join(s.name for s in waiting)} did not answer within "
                               f"{timeout_s:.0f} s; {waiting[0].log_tail()}")
        if waiting:
            time.sleep(POLL_S)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
