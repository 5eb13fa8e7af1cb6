"""Runs a benchmark on the real station window: a temporary bench ward, the simulator, offscreen Qt.

A benchmark is an async function `(BenchStation, seconds) -> dict` of figures, and optionally a
second one `(folder) -> dict` run once the station has stopped (for what must not share the
process with the window); the harness sets the station up, runs them, adds what every benchmark
reports (backend, beds, seconds) and prints.
The backend is that of the benchmark's own store (`app.bench.BENCHMARK_STORES`), the one store
that `--config` can make real.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.bench import ward
from app.bench.common import BenchOptions, BenchStation, Measures
from app.config import Config, ConfigError, load_config
from app.second_screen.beds import FIRST_SCREEN_BEDS
from stores import EMBEDDED, STORE_NAMES


def benchmarks() -> dict[str, Measures]:
    """Each benchmark's functions by name (imported here: they need Qt)."""
    from app.bench.alarms import bench_alarms
    from app.bench.ingest import bench_ingest
    from app.bench.window import bench_window

    return {"window": Measures(bench_window, after_stop=bench_ingest),
            "alarms": Measures(bench_alarms)}


def bench_config(config_path: Path | None, data_dir: Path, store: str = "alerts",
                 beds: int = 32) -> Config:
    """The bench ward's settings on `data_dir`: every store embedded there, except `store`,
    taken from the config file if one is given, with that file's environment (the simulator
    feeds a real store only in training). A ward of more `beds` than one screen shows is split
    over two windows, as a station would show it. Raises ConfigError."""
    stores = dict.fromkeys(STORE_NAMES, EMBEDDED)
    secrets, alarm_keys, environment = {}, None, None
    if config_path is not None:
        given = load_config(config_path)
        stores[store] = given.stores[store]
        secrets = {k: v for k, v in given.secrets.items() if k == store}
        alarm_keys = given.alarm_keys if store == "alerts" else None
        environment = given.environment
    config = Config(region=ward.REGION, ward=ward.WARD, user=ward.USER, data_dir=data_dir,
                    stores=stores, simulator=True, secrets=secrets, alarm_keys=alarm_keys,
                    environment=environment,
                    second_ward=ward.WARD if beds > FIRST_SCREEN_BEDS else None)
    refusal = config.simulator_refusal()
    if refusal is not None:
        raise ConfigError(f"the bench runs the simulator: {refusal}")
    return config


def run_bench(options: BenchOptions, report: Callable[[dict], None],
              say: Callable[[str], None] = print) -> dict:
    """Run a benchmark in the real window, `report` its figures, and return them. Without an
    after-stop step `report` is called before the station stops, so a stop that hangs loses
    nothing. Raises BenchError, ConfigError."""
    measure = benchmarks()[options.benchmark]
    with tempfile.TemporaryDirectory(prefix="ward-station-bench-") as folder:
        config = bench_config(options.config_path, Path(folder), options.store, options.beds)
        _qt_application()
        from app.tasks import run_on_qt_loop

        return run_on_qt_loop(_run(options, config, measure, report, say))


def _qt_application() -> None:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.qt_messages import route_qt_messages_to_logging

    route_qt_messages_to_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # the run ends when the benchmark does, not the window


async def _run(options: BenchOptions, config: Config, measure: Measures,
               report: Callable[[dict], None], say: Callable[[str], None]) -> dict:
    from app.bench.station import open_bench_stores, start_bench_station

    stores = await open_bench_stores(config, options.store)
    backend = (await getattr(stores, options.store).health()).backend
    try:
        bench = await start_bench_station(config, stores, options.beds)
    except BaseException:
        await stores.close()
        raise
    bench.options, bench.config = options, config
    say(f"bench {options.benchmark}: {options.beds} beds, {options.seconds:g} s, "
        f"{options.store} store {backend}")
    common = {"backend": backend, "beds": options.beds, "seconds": options.seconds}
    try:
        figures = await measure.live(bench, options.seconds)
        if measure.after_stop is None:
            report(figures | common)
            return figures | common
    finally:
        await _stop(bench)
    figures |= await measure.after_stop(config.data_dir, options)
    report(figures | common)
    return figures | common


async def _stop(bench: BenchStation) -> None:
    from app.bootstrap import STOP_LIMIT_S, exit_if_stop_hangs

    guard = exit_if_stop_hangs(STOP_LIMIT_S, exit_code=1)
    try:
        bench.close_paints()
        bench.window.skip_close_confirmation("benchmark finished")  # no nurse to ask
        await bench.station.stop()
        for screen in bench.screens():  # nor draws any more: an after-stop step has the
            screen.window.hide()        # process to itself
    finally:
        guard.cancel()
