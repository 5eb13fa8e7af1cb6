"""The bench station: its stores, the bench ward, the simulator and the window, shown full size.

Built as `app.bootstrap.start_station` builds a station, but for the bench ward instead of the
demo hospital's wards.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from app import collector
from app.bench import ward
from app.bench.common import (
    READY_LIMIT_S,
    WINDOW_SIZE,
    BenchError,
    BenchStation,
    until,
)
from app.bench.frames import WindowPaints
from app.bootstrap import apply_theme, start_station
from app.second_screen.placement import show_second_window
from app.config import Config, ConfigError
from app.startup import StartupError, open_configured_stores
from stores import Stores
from stores.errors import StoreError
from stores.model import HealthState

_STORE_WORDS = {"alerts": "alert", "patients": "patient"}  # "the alert store", not "alerts"


async def open_bench_stores(config: Config, store: str = "alerts") -> Stores:
    """The stores of `config`, with `store` (the benchmark's own) answering; BenchError
    otherwise (exit code 2 for a URL the driver refuses, 1 for a store that does not answer)."""
    try:
        stores = await open_configured_stores(config)
    except ConfigError as exc:
        raise BenchError(str(exc), exit_code=2) from None
    except StartupError as exc:
        raise BenchError(str(exc)) from None
    measured = getattr(stores, store)
    words = f"the {_STORE_WORDS.get(store, store)} store ({config.stores[store]})"
    health = await measured.health()
    if health.state is HealthState.DOWN:
        await stores.close()
        raise BenchError(f"{words} does not answer: {health.reason}")
    try:
        missing = await measured.prepare()
    except StoreError as exc:
        await stores.close()
        raise BenchError(f"{words} cannot be checked: {exc}") from None
    if missing:  # creating a server's schema is `check --init`'s to do, not a benchmark's
        await stores.close()
        raise BenchError(f"{words} lacks {'; '.join(missing)}: create it with "
                         f"'ward-station check --init --config PATH'")
    return stores


async def start_bench_station(config: Config, stores: Stores, beds: int) -> BenchStation:
    """Admit the bench ward, start the simulator and the window (and the second screen's, for
    a ward the config splits), and wait until they show every bed with live values. The
    windows' repaint passes are watched from before they are shown
    (`bench.paints.first_painted`)."""
    started = time.time()
    try:
        await ward.resolve_left_over_alarms(stores)
        patients = await ward.admit_bench_ward(stores, beds)
    except StoreError as exc:
        raise BenchError(f"cannot set up the bench ward: {exc}") from None
    station = await start_station(config, stores, wards=[ward.WARD], regions=[ward.REGION])
    apply_theme(QApplication.instance())  # once the window is built, as run_station does
    station.frozen = collector.Frozen()  # as run_station does
    window, simulator, second = station.window, station.simulator, station.second_window
    bench = BenchStation(station, patients, started, WindowPaints(window),
                         second_paints=WindowPaints(second) if second is not None else None)
    try:
        window.resize(*WINDOW_SIZE)
        window.show()
        if second is not None:
            show_second_window(second, window, WINDOW_SIZE)
        await until(lambda: len(bench.tiles()) == beds, READY_LIMIT_S,
                    f"the windows showing the {beds} beds")
        await until(lambda: simulator.stats.ticks >= 1, READY_LIMIT_S, "the simulator's first tick")
    except BaseException:
        bench.close_paints()
        await bench.station.stop()
        raise
    return bench
