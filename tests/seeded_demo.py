"""The demo hospital seeded once per test session and copied into each test that needs it:
seeding takes seconds, copying its file takes milliseconds (the `seeded_demo` fixture)."""

from __future__ import annotations

import asyncio
import gc
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.demo.seed import seed_demo_hospital
from stores import DB_FILE_NAME, StoreConfig, open_stores


class SeededDemo:
    """Embedded data folders holding the seeded demo hospital, one per (`now`, `rng_seed`),
    made on first use and kept for the session."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._made: dict[tuple[float | None, int], Path] = {}

    def copy_into(self, data_dir: Path, *, now: float | None = None, rng_seed: int = 7) -> Path:
        """Put the demo hospital, as `seed_demo_hospital(stores, rng_seed=..., now=...)` leaves
        it, into `data_dir`'s embedded file; the file's path. `now=None` is a first run's: the
        hospital seeded at the time this session first asked for it."""
        key = (now, rng_seed)
        if key not in self._made:
            self._made[key] = self._seed(len(self._made), now, rng_seed)
        data_dir.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copyfile(self._made[key] / DB_FILE_NAME, data_dir / DB_FILE_NAME))

    def _seed(self, number: int, now: float | None, rng_seed: int) -> Path:
        folder = self._folder / f"demo-{number}"
        seeded_at = time.time() if now is None else now
        # A thread of its own, with its own event loop: the first test to ask may be running
        # on one already (an async fixture), and a loop cannot be run from inside another.
        # Earlier tests' garbage is collected here first, on the Qt thread, and no collection
        # runs while this thread waits: one on the seeding thread freed a Qt object an earlier
        # test left in a cycle (a feed and its tasks), and Qt crashed at the next event.
        # The collector is left as it was: the suite keeps it off (tests/conftest.py), and
        # turning it back on here let it run on a store's thread in a later test, freeing an
        # earlier test's QTimer there ("Timers cannot be stopped from another thread").
        gc.collect()
        automatic = gc.isenabled()
        gc.disable()
        try:
            with ThreadPoolExecutor(1) as thread:
                thread.submit(asyncio.run, _seed_into(folder, seeded_at, rng_seed)).result()
        finally:
            if automatic:
                gc.enable()
        assert not (folder / f"{DB_FILE_NAME}-wal").exists(), "the copy would miss the WAL"
        return folder


async def _seed_into(folder: Path, now: float, rng_seed: int) -> None:
    stores = await open_stores(StoreConfig(data_dir=folder))
    try:
        await seed_demo_hospital(stores, rng_seed=rng_seed, now=now)
    finally:
        await stores.close()  # closing checkpoints the WAL: the one file holds everything
