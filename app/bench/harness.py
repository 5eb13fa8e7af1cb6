"""Runs a benchmark on the real station window: a temporary bench ward, the simulator, offscreen Qt.

A benchmark is an async function `(BenchStation, seconds) -> dict` of figures; the harness sets
the station up, runs it, adds what every benchmark reports (backend, beds, seconds) and prints.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.bench import ward
from app.config import Config, load_config
from stores import EMBEDDED, STORE_NAMES

if TYPE_CHECKING:  # the station needs Qt, imported only once a benchmark runs
    from app.bootstrap import Station


WINDOW_SIZE = (1920, 1080)
READY_LIMIT_S = 30.0  # the window must show the bench ward this soon, or the run fails


class BenchError(Exception):
    """A benchmark cannot run or finish; the message says why in one line."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class BenchOptions:
    benchmark: str
    beds: int = 32
    seconds: float = 20.0
    config_path: Path | None = None  # only its alerts store is used


@dataclass
class BenchStation:
    """What a benchmark measures: the running station, shown at full size."""

    station: Station
    patients: list  # the bench ward's patients, in bed order
    started: float  # time.time() before the station started

    @property
    def window(self):
        return self.station.window

    @property
    def stores(self):
        return self.station.stores


Benchmark = Callable[[BenchStation, float], Awaitable[dict]]


def benchmarks() -> dict[str, Benchmark]:
    """Each benchmark's function by name (imported here: they need Qt)."""
    from app.bench.alarms import bench_alarms

    return {"alarms": bench_alarms}


def bench_config(config_path: Path | None, data_dir: Path) -> Config:
    """The bench ward's settings on `data_dir`: every store embedded there, except the alert
    store named by the config file, if one is given. Raises ConfigError."""
    stores = dict.fromkeys(STORE_NAMES, EMBEDDED)
    secrets = {}
    if config_path is not None:
        given = load_config(config_path)
        stores["alerts"] = given.stores["alerts"]
        secrets = {k: v for k, v in given.secrets.items() if k == "alerts"}
    return Config(region=ward.REGION, ward=ward.WARD, user=ward.USER, data_dir=data_dir,
                  stores=stores, simulator=True, secrets=secrets)


def run_bench(options: BenchOptions, report: Callable[[dict], None],
              say: Callable[[str], None] = print) -> dict:
    """Run a benchmark in the real window, `report` its figures, and return them. `report` is
    called before the station stops, so a stop that hangs loses nothing. Raises BenchError,
    ConfigError."""
    measure = benchmarks()[options.benchmark]
    with tempfile.TemporaryDirectory(prefix="ward-station-bench-") as folder:
        config = bench_config(options.config_path, Path(folder))
        _qt_application()
        import qasync

        return qasync.run(_run(options, config, measure, report, say))


def _qt_application() -> None:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import apply_theme
    from app.qt_messages import route_qt_messages_to_logging

    route_qt_messages_to_logging()
    apply_theme(QApplication.instance() or QApplication(sys.argv[:1]))


async def _run(options: BenchOptions, config: Config, measure: Benchmark,
               report: Callable[[dict], None], say: Callable[[str], None]) -> dict:
    from app.bench.station import open_bench_stores, start_bench_station

    stores = await open_bench_stores(config)
    backend = (await stores.alerts.health()).backend
    try:
        bench = await start_bench_station(config, stores, options.beds)
    except BaseException:
        await stores.close()
        raise
    say(f"bench {options.benchmark}: {options.beds} beds, {options.seconds:g} s, "
        f"alert store {backend}")
    try:
        figures = await measure(bench, options.seconds)
        figures |= {"backend": backend, "beds": options.beds, "seconds": options.seconds}
        report(figures)
        return figures
    finally:
        from app.bootstrap import STOP_LIMIT_S, exit_if_stop_hangs

        guard = exit_if_stop_hangs(STOP_LIMIT_S, exit_code=1)
        try:
            await bench.station.stop()
        finally:
            guard.cancel()


async def until(condition: Callable[[], object], limit_s: float, what: str) -> object:
    """Await until `condition()` is truthy; BenchError naming `what` after `limit_s`."""
    deadline = time.monotonic() + limit_s
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise BenchError(f"{what} did not happen within {limit_s:.0f} s")
        await asyncio.sleep(0.02)
    return result

