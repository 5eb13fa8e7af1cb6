"""One server process of the lab as the lab remembers it between commands: what it is (store,
role, address, port), how it was started (program, arguments, folder) and its process id.

`lab up` starts the servers in sessions of their own and exits; later commands (`status`,
`kill`, `freeze`...) find them by the id kept in the lab's state file. A process id is reused
by the system once its process has ended, so the lab acts on a process only while it is the
one it started (the same id and start time; the command line would not do: Redis rewrites its
own) and runs in the node's folder: nothing here ever touches a server the lab did not start.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil


@dataclass
class LabNode:
    name: str  # "redis-1", "sentinel-2", "cassandra-3": what the lab's commands take
    store: str  # the station's store it serves: alerts, patients, vitals, network, analytics
    kind: str  # how to ask it whether it is ready and what it is (app.lab.probes)
    address: str
    port: int
    folder: Path
    argv: list[str]
    env: dict[str, str] | None = None  # the whole environment, when it is not the lab's own
    role: str = ""  # as started: master, replica, sentinel, primary, node...
    pid: int | None = None
    started: float | None = None  # the process's start time, as the system tells it
    extra: dict[str, str] = field(default_factory=dict)  # what a probe needs (a password's name)

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def start(self) -> None:
        """Start it in the background, in a session of its own (a Ctrl-C in the terminal that
        ran the lab does not reach it), its output in its folder's server.log."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            process = subprocess.Popen(self.argv, cwd=self.folder, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=self.env, start_new_session=True)
        self.pid = process.pid
        try:
            self.started = psutil.Process(process.pid).create_time()
        except psutil.Error:  # it ended at once: its log says why
            self.started = None
        process.returncode = 0  # not ours to wait for: it outlives this command

    def process(self, lab_dir: Path) -> psutil.Process | None:
        """Its process while it runs (stopped by `freeze` included) and is the lab's."""
        if self.pid is None or self.started is None:
            return None
        try:
            found = psutil.Process(self.pid)
            if found.status() == psutil.STATUS_ZOMBIE:
                return None
            owned = (abs(found.create_time() - self.started) < 0.01
                     and Path(found.cwd()).is_relative_to(lab_dir))
        except psutil.Error:
            return None
        return found if owned else None

    def state(self, lab_dir: Path) -> str:
        """"running", "frozen" (SIGSTOP) or "down"."""
        found = self.process(lab_dir)
        if found is None:
            return "down"
        try:
            return "frozen" if found.status() == psutil.STATUS_STOPPED else "running"
        except psutil.Error:
            return "down"

    def signal(self, lab_dir: Path, number: signal.Signals) -> bool:
        """Send `number` to its process group (a server's helper processes too); False when it
        does not run or is not the lab's."""
        found = self.process(lab_dir)
        if found is None:
            return False
        try:
            os.killpg(found.pid, number)
        except ProcessLookupError:
            return False
        return True

    def rss_mb(self, lab_dir: Path) -> float | None:
        found = self.process(lab_dir)
        try:
            return found.memory_info().rss / 2**20 if found is not None else None
        except psutil.Error:
            return None

    def log_tail(self, lines: int = 12) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return f"(no log at {self.log_path})"
        return f"the end of {self.log_path}:\n" + "\n".join(text.splitlines()[-lines:])

    def to_json(self) -> dict:
        data = asdict(self)
        data["folder"] = str(self.folder)
        return data

    @classmethod
    def from_json(cls, data: dict) -> LabNode:
        return cls(**{**data, "folder": Path(data["folder"])})
