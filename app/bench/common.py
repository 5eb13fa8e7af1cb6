"""What the benchmarks share: the bench station they measure, their options and errors, and a wait
for a condition; so that the harness and the benchmarks import this, never each other."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.bench import BENCHMARK_STORES, DEFAULT_BENCHMARK
from app.config import Config

if TYPE_CHECKING:  # the station needs Qt, imported only once a benchmark runs
    from app.bench.frames import WindowPaints
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
    benchmark: str = DEFAULT_BENCHMARK
    beds: int = 32
    seconds: float = 20.0
    config_path: Path | None = None  # only the benchmark's own store is taken from it
    junk: bool = False  # alarms: junk on the Redis bus beside the genuine alarms
    history_s: int = 7 * 86400  # window: the selected bed's past backfilled for the trends
    compare: bool = True  # window: also the plain pyqtgraph grid of the same beds (app.bench.plain)
    ingest_rows: int = 400_000  # window: rows written by the ingest step, in four batches

    @property
    def store(self) -> str:
        return BENCHMARK_STORES[self.benchmark]


@dataclass
class BenchStation:
    """What a benchmark measures: the running station, shown at full size."""

    station: Station
    patients: list  # the bench ward's patients, in bed order
    started: float  # time.time() before the station started
    paints: WindowPaints  # the window's repaint passes, watched from before it was shown
    options: BenchOptions | None = None
    config: Config | None = None
    second_paints: WindowPaints | None = None  # the second screen's window's, if it has one

    @property
    def window(self):
        return self.station.window

    @property
    def stores(self):
        return self.station.stores

    def screens(self) -> list[BenchScreen]:
        """The main window's, then the second screen's window's if there is one."""
        screens = [BenchScreen(self.window, self.paints)]
        second = self.station.second_window
        if second is not None and self.second_paints is not None:
            screens.append(BenchScreen(second, self.second_paints))
        return screens

    def tiles(self) -> list:
        """Every bed tile, of both windows."""
        return [tile for screen in self.screens() for tile in screen.grid.tiles()]

    def close_paints(self) -> None:
        for screen in self.screens():
            screen.paints.close()


@dataclass(frozen=True)
class BenchScreen:
    """One window of the bench station: its repaint passes, its bed grid and the feed of its
    beds' ECG."""

    window: Any  # MainWindow or SecondWindow: both have a bed_grid and a waveform_feed
    paints: WindowPaints

    @property
    def grid(self):
        return self.window.bed_grid

    @property
    def waveform_feed(self):
        return self.window.waveform_feed


Benchmark = Callable[[BenchStation, float], Awaitable[dict]]
AfterStop = Callable[[Path, "BenchOptions"], Awaitable[dict]]  # the run's temporary folder


@dataclass(frozen=True)
class Measures:
    live: Benchmark  # on the running station
    after_stop: AfterStop | None = None  # then, with the station stopped


async def until(condition: Callable[[], object], limit_s: float, what: str) -> object:
    """Await until `condition()` is truthy; BenchError naming `what` after `limit_s`."""
    deadline = time.monotonic() + limit_s
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise BenchError(f"{what} did not happen within {limit_s:.0f} s")
        await asyncio.sleep(0.02)
    return result

