"""`ward-station simulate`: the bedside simulator as its own process, until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from app.config import Config
from app.seed import demo_ward_ids
from app.simulator.runner import run_simulator
from app.startup import open_station_stores

log = logging.getLogger(__name__)


def run_standalone(config: Config) -> int:
    """Feed every demo ward of the configured stores until SIGINT or SIGTERM.

    Raises StartupError if the stores cannot be opened."""
    asyncio.run(_simulate(config))
    return 0


async def _simulate(config: Config) -> None:
    stores = await open_station_stores(config, seed=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises instead
            loop.add_signal_handler(sig, stop.set)
    try:
        log.warning("simulating wards %s; stop with Ctrl+C", ", ".join(demo_ward_ids()))
        await run_simulator(stores, demo_ward_ids(), stop, ward_limits=config.limits_for)
    finally:
        await stores.close()
