"""Running `ward-station` in a test: in this process, through `app.cli.main(argv)`, where the
test is about parsing, messages and output (fast); as a process of its own where it is about the
exit code a shell sees, no traceback, or the window (a second or more each: Python, Qt and the
drivers start afresh)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Run:
    """What a run of ward-station left: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def store_urls(stores: dict[str, str]) -> dict[str, str]:
    """Store URLs as the environment gives them: WARD_STATION_STORE_<NAME>."""
    return {f"WARD_STATION_STORE_{name.upper()}": url for name, url in stores.items()}


def ward_station_process(*args: str, env: dict[str, str] | None = None,
                         timeout_s: float = 60, **stores: str) -> Run:
    """Run `python -m app *args` as its own process; `stores` are store URLs."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}), **store_urls(stores))
    done = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          timeout=timeout_s, env=env)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def ward_station(capsys, monkeypatch) -> Callable[..., Run]:
    """`ward_station(*args, env=..., **stores)`: run `app.cli.main(args)` in this process."""
    from app.cli import main

    given: set[str] = set()  # by an earlier run of this test: each run has only its own

    def run(*args: str, env: dict[str, str] | None = None, **stores: str) -> Run:
        for name in given:
            monkeypatch.delenv(name, raising=False)
        for name, value in {**(env or {}), **store_urls(stores)}.items():
            monkeypatch.setenv(name, value)
            given.add(name)
        capsys.readouterr()  # only what this run prints
        # main()'s logging.basicConfig does nothing under pytest (the root logger has its
        # handlers): warnings go to stderr as they would in a process of its own
        to_stderr = logging.StreamHandler(sys.stderr)
        to_stderr.setLevel(logging.WARNING)
        logging.getLogger().addHandler(to_stderr)
        driver_log = logging.getLogger("cassandra")
        level = driver_log.level  # main() quietens the Cassandra driver for the whole process
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse: a mistake (2) or --help (0)
            code = exit_.code or 0
        finally:
            driver_log.setLevel(level)
            logging.getLogger().removeHandler(to_stderr)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run
