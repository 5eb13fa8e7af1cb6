"""One station at a time on a data folder. Two would share its embedded file: each would deliver
the writes its outbox keeps for a real server (so twice), each simulator would feed the same beds,
and on the embedded default neither would hear the other's alarms. A second start says which
process has the folder, and how to run a second station beside it.

The lock is the operating system's (`filelock`: flock on Linux and macOS, a locked file on
Windows), so it goes with the process however that ends; the process id beside it is only there
to be named."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
from filelock import FileLock, Timeout

from app.startup import StartupError

log = logging.getLogger(__name__)
LOCK_NAME = "station.lock"
PID_NAME = "station.pid"


class StationRunning(StartupError):
    """Another station has this data folder."""


@contextlib.contextmanager
def one_station(data_dir: Path) -> Iterator[None]:
    """Hold the data folder for this station while the block runs; StationRunning if another
    station holds it."""
    lock = FileLock(data_dir / LOCK_NAME, thread_local=False)
    if not _taken(lock, data_dir):
        yield
        return
    pid_file = data_dir / PID_NAME
    try:
        pid_file.write_text(f"{os.getpid()}\n")
        yield
    finally:
        with contextlib.suppress(OSError):
            pid_file.unlink()
        lock.release()


def _taken(lock: FileLock, data_dir: Path) -> bool:
    """Whether the lock was taken: StationRunning where another station has it; False where
    the folder cannot be locked at all (the station still starts, and says so in its log)."""
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise StationRunning(
            f"Ward Station is already running on the data folder {data_dir}"
            f"{holder(data_dir / PID_NAME)}: use its window (two stations on one folder would "
            "each deliver its queued writes, and each simulate its beds). To run another "
            "station beside it, give that one a folder of its own with --data-dir.") from None
    except OSError as exc:
        log.warning("cannot lock the data folder %s (%s): a second station on it would not be "
                    "refused", data_dir, exc.strerror or exc)
        return False
    return True


def holder(pid_file: Path) -> str:
    """ " (process 1234, started 14:03)", or "" when the file names no running process (it is
    only a hint: the lock itself is what counts)."""
    try:
        pid = int(pid_file.read_text().strip())
        started = psutil.Process(pid).create_time()
    except (OSError, ValueError, psutil.Error):
        return ""
    return f" (process {pid}, started {time.strftime('%H:%M', time.localtime(started))})"
