"""`ward-station simulate`: the bedside simulator as its own process, until interrupted; with
`--backfill`, a stretch of past vitals first."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine

from app.config import Config, ConfigError
from app.demo.seed import DEMO_SIMULATOR_SEED, demo_region_ids, demo_ward_ids
from app.simulator.backfill import BackfillResult, backfill_wards
from app.simulator.runner import run_simulator
from app.startup import open_station_stores
from stores import STORE_NAMES, Stores

log = logging.getLogger(__name__)


def run_standalone(config: Config, backfill_s: int | None = None,
                   backfill_only: bool = False, only_region: str | None = None) -> int:
    """Feed every demo ward of the configured stores (or of `only_region`) until SIGINT or
    SIGTERM; with `backfill_s`, write that many seconds of past vitals first (and stop there
    with `backfill_only`).

    Raises ConfigError outside training with a real store (it seeds the demo hospital into
    every store and feeds simulated vitals and alarms) or for an unknown region, StartupError
    if the stores cannot be opened."""
    refusal = config.simulator_refusal(STORE_NAMES)
    if refusal is not None:
        raise ConfigError(refusal)
    wards = _wards(only_region)
    asyncio.run(_simulate(config, backfill_s, backfill_only, wards))
    return 0


def _wards(only_region: str | None) -> list[str]:
    """The demo wards to simulate: all, or one region's (a Redis user of the alarm bus may
    reach only its own region's keys)."""
    if only_region is None:
        return demo_ward_ids()
    regions = demo_region_ids()
    if only_region not in regions:
        raise ConfigError(f"--only-region {only_region!r} is not a demo region "
                          f"(known: {', '.join(regions)})")
    return [ward for ward in demo_ward_ids() if ward.startswith(only_region + "-")]


async def _simulate(config: Config, backfill_s: int | None, backfill_only: bool,
                    wards: list[str]) -> None:
    stores = await open_station_stores(config, seed=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises instead
            loop.add_signal_handler(sig, stop.set)
    try:
        if backfill_s is not None:
            finished = await _until_stopped(_backfill(stores, backfill_s, wards), stop)
            if backfill_only or not finished:
                return
        log.warning("simulating wards %s; stop with Ctrl+C", ", ".join(wards))
        # The demo's seed, as the station's built-in simulator: each patient keeps the baseline
        # of the seeded and backfilled past.
        await run_simulator(stores, wards, stop, ward_limits=config.limits_for,
                            rng_seed=DEMO_SIMULATOR_SEED)
    finally:
        await stores.close()


async def _until_stopped(work: Coroutine, stop: asyncio.Event) -> bool:
    """Run `work` unless Ctrl+C comes first (then cancel it); True if it finished."""
    working, stopping = asyncio.ensure_future(work), asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not working.done():
            working.cancel()
            await asyncio.wait({working})
    if working.cancelled():
        log.warning("backfill stopped; what was written is kept")
        return False
    working.result()  # raises what the backfill raised
    return True


async def _backfill(stores: Stores, seconds: int, wards: list[str]) -> None:
    def report(done: BackfillResult) -> None:
        log.info("backfill: %d beds, %d rows, %.0f rows/s", done.beds, done.rows, done.rows_per_s)

    log.warning("backfilling %s of vitals for wards %s", _span(seconds), ", ".join(wards))
    result = await backfill_wards(stores, wards, seconds, seed=DEMO_SIMULATOR_SEED,
                                  progress=report)
    log.warning("backfill written: %d beds, %d rows in %.1f s (%.0f rows/s)",
                result.beds, result.rows, result.seconds, result.rows_per_s)


def _span(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    return f"{days} d {rest / 3600:.1f} h" if days else f"{rest / 3600:.2f} h"
