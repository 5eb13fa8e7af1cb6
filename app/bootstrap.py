"""Start-up and shut-down: opens the stores, seeds the demo ward, starts the simulator and window.

This is the one place that builds stores and wires the station together.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from app import collector, station_audit
from app.alarms.archive import AlarmArchiver
from app.config import Config
from app.demo.seed import DEMO_SIMULATOR_SEED, demo_region_ids, demo_ward_ids
from app.main_window import MainWindow
from app.second_screen.placement import show_second_window
from app.second_screen.window import SecondWindow
from app.simulator.runner import BedsideSimulator
from app.startup import StartupError, open_station_stores
from app.station_lock import one_station
from resources import theme
from stores import Stores

log = logging.getLogger(__name__)

SCREENSHOT_SIZE = QSize(1920, 1080)
STOP_LIMIT_S = 15.0


@dataclass
class Station:
    """A running station: its stores, its simulator (if any), its window and the archiver of
    its region's resolved alarms."""

    config: Config
    stores: Stores
    window: MainWindow
    simulator: BedsideSimulator | None
    # the start's audit entries: written in the background, a store that is away (its outbox
    # tries it first) must not hold the window up
    started_audit: asyncio.Future | None = None
    archiver: AlarmArchiver | None = None
    second_window: SecondWindow | None = None  # the second screen's, with `second_ward`
    frozen: collector.Frozen | None = None  # start-up out of the garbage collector's walk

    async def stop(self) -> None:
        """Stop the archiver, the feeds and the simulator, audit the close, and close the
        stores."""
        how = self.window.close_reason or "stopped by the program without closing the window"
        try:
            if self.archiver is not None:
                await self.archiver.stop()
            await self.window.stop()
            if self.second_window is not None:
                await self.second_window.stop()
            if self.simulator is not None:
                await self.simulator.stop()
            if self.started_audit is not None:
                await self.started_audit  # the start before the close, in the log too
            await station_audit.record(self.stores.patients,
                                       [station_audit.closed_entry(self.config, how)],
                                       self.config.region)
        finally:
            await self.stores.close()
            if self.frozen is not None:
                self.frozen.thaw()


async def start_station(config: Config, stores: Stores, wards: list[str] | None = None,
                        regions: list[str] | None = None, **simulator_options) -> Station:
    """Start the simulator (if configured; `simulator_options` go to it) on `wards` and the
    window's feeds, its analytics over `regions` (default: the demo hospital's)."""
    simulator = None
    if config.simulator and config.simulator_refusal() is not None:  # load_config refuses it
        raise StartupError(config.simulator_refusal())
    if config.simulator:
        simulator_options.setdefault("rng_seed", DEMO_SIMULATOR_SEED)
        simulator_options.setdefault("ward_limits", config.limits_for)
        simulator = BedsideSimulator(stores, wards=wards or demo_ward_ids(), **simulator_options)
        await simulator.start()
    window = MainWindow(stores, config, regions=regions or demo_region_ids())
    second = SecondWindow(stores, config, window) if config.second_ward else None
    if simulator is not None:
        window.patients_feed.ward_loaded.connect(lambda *_: simulator.request_refresh())
        for shown in (window, second):
            if shown is not None:
                simulator.on_waveforms_written(shown.waveform_feed.wake_up)
    window.start()
    if second is not None:
        second.start()
    started_audit = asyncio.ensure_future(station_audit.record(
        stores.patients, station_audit.started_entries(config), config.region))
    archiver = AlarmArchiver(stores.alerts, stores.analytics, config.region,
                             config.alarm_archive_after_s)
    archiver.start()
    return Station(config, stores, window, simulator, started_audit, archiver, second)


def apply_theme(app: QApplication) -> None:
    """The station's name and look. Apply it once the window is built: while a style sheet is in
    force, every widget given a parent restyles itself and all it holds again, which made
    building the window about 0.15 s slower; applied after, each widget is styled once, alike."""
    app.setApplicationName("Ward Station")
    app.setStyleSheet(theme())


async def run_station(config: Config, screenshot: Path | None = None,
                      after_s: float = 8.0, size: tuple[int, int] | None = None,
                      show: str = "ward") -> int:
    """Run the station until its window closes, or render a screenshot after `after_s`;
    `size` (width, height) in px, else maximised (a screenshot: SCREENSHOT_SIZE); `show`: the
    view in front ("ward" or "cluster"). One station at a time on a data folder
    (`app.station_lock`): StationRunning if another has it."""
    with one_station(config.data_dir):
        return await _run_station(config, screenshot, after_s, size, show)


async def _run_station(config: Config, screenshot: Path | None, after_s: float,
                       size: tuple[int, int] | None, show: str) -> int:
    started = time.monotonic()
    stores = await open_station_stores(config)
    station = await start_station(config, stores)
    apply_theme(QApplication.instance())  # before the feeds first answer, after the window
    station.frozen = collector.Frozen()
    window = station.window
    window.show_view(show)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    _close_on_interrupt(window)
    try:
        if screenshot is not None:
            window.resize(QSize(*size) if size else SCREENSHOT_SIZE)
            window.show()
            _show_second(station, size or SCREENSHOT_SIZE.toTuple())
            await asyncio.sleep(max(0.0, after_s - (time.monotonic() - started)))
            saved = _save_screenshot(window, screenshot)
            if station.second_window is not None:
                saved = _save_screenshot(station.second_window, second_screenshot(screenshot))
            # ended by the program, not a nurse: no question to hang on, and said so
            window.skip_close_confirmation(f"screenshot saved to {screenshot}")
            return saved
        if size:
            window.resize(*size)
            window.show()
        else:
            window.resize(1600, 960)
            window.showMaximized()
        _show_second(station, size)
        await closed.wait()
        return 0
    finally:
        guard = exit_if_stop_hangs(STOP_LIMIT_S)
        try:
            await station.stop()
        finally:
            guard.cancel()


def exit_if_stop_hangs(limit_s: float, exit_code: int = 0) -> threading.Timer:
    """Leave the process if closing the station takes longer than `limit_s`. With real servers,
    qasync has been seen (rarely, under load) to stop running the loop's timers while the feeds
    are cancelled, so the close never finishes; nothing is lost by leaving: queued writes stay
    in the outbox file and the servers keep what they acknowledged."""

    def leave() -> None:
        log.error("closing the station took more than %.0f s; leaving without waiting", limit_s)
        logging.shutdown()
        os._exit(exit_code)

    guard = threading.Timer(limit_s, leave)
    guard.daemon = True
    guard.start()
    return guard


def _save_screenshot(window: MainWindow, path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StartupError(f"cannot write the screenshot to {path}: {exc.strerror}") from None
    if not window.grab().save(str(path)):
        raise StartupError(f"cannot write the screenshot to {path}")
    log.info("screenshot saved to %s", path)
    return 0


def _show_second(station: Station, size: tuple[int, int] | None) -> None:
    if station.second_window is not None:
        show_second_window(station.second_window, station.window, size)


def second_screenshot(path: Path) -> Path:
    """Where `--screenshot PATH` saves the second window: shot.png -> shot-2.png."""
    return path.with_name(f"{path.stem}-2{path.suffix}")


def _close_on_interrupt(window: MainWindow) -> None:
    try:
        # Ctrl+C in the terminal that started it is the operator's decision: no question asked
        signal.signal(signal.SIGINT, lambda *_: window.close_without_confirmation(
            "interrupted (Ctrl+C) in the terminal"))
    except ValueError:  # not the main thread (tests): Ctrl+C is not ours to handle
        pass
