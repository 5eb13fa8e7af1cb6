"""Killing the simulator process mid-write loses nothing already written and corrupts nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from stores import DB_FILE_NAME, StoreConfig, open_stores
from tests.waiting import eventually_blocking

pytestmark = pytest.mark.slow


def count(db_path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_kill_while_the_simulator_writes_keeps_the_data(demo_data_dir):
    db_path = demo_data_dir / DB_FILE_NAME
    simulator = subprocess.Popen([sys.executable, "-m", "app", "simulate", "--data-dir",
                                  str(demo_data_dir)], stderr=subprocess.DEVNULL)
    try:
        seeded = count(db_path, "vitals")
        eventually_blocking(lambda: count(db_path, "vitals") >= seeded + 300, 30,
                            "300 samples written")
        written_before_kill = count(db_path, "vitals")
    finally:
        os.kill(simulator.pid, signal.SIGKILL)
        simulator.wait(10)

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    async def newest_samples():
        stores = await open_stores(StoreConfig(data_dir=demo_data_dir))
        try:
            beds = await stores.patients.beds("north-1")
            return await stores.vitals.latest(b.id for b in beds)
        finally:
            await stores.close()

    latest = asyncio.run(newest_samples())
    assert latest, "no bed has a sample after the restart"
    assert count(db_path, "vitals") >= written_before_kill
