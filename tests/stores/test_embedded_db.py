"""The shared SQLite file of the embedded stores: opening, WAL, transactions, errors, closing."""

from __future__ import annotations

import sqlite3
import sys

import pytest
import pytest_asyncio

from stores.embedded_db import EmbeddedDb
from stores.embedded_schema import MIGRATIONS
from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def db(tmp_path):
    db = await EmbeddedDb.open(tmp_path / "nested" / "folder" / "ward.sqlite3")
    yield db
    await db.close()


def count_beds(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM beds").fetchone()[0]


def add_bed(conn: sqlite3.Connection, bed_id: str = "b1") -> None:
    conn.execute("INSERT INTO beds VALUES (?, 'north', 'north-1', 'Bed 1', 1)", (bed_id,))


def mode_of(path) -> int:
    import os
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)


not_on_windows = pytest.mark.skipif(sys.platform == "win32",
                                    reason="Windows has no POSIX permission bits")


@not_on_windows
async def test_the_folder_and_the_files_are_the_users_alone(db):
    await db.write(add_bed)
    assert mode_of(db.path.parent) == 0o700
    for name in (db.path, db.path.with_name(db.path.name + "-wal"),
                 db.path.with_name(db.path.name + "-shm")):
        assert name.exists() and mode_of(name) == 0o600, name


@not_on_windows
async def test_a_file_left_wider_by_an_older_version_is_made_private(tmp_path):
    path = tmp_path / "ward.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    tmp_path.chmod(0o755)
    db = await EmbeddedDb.open(path)
    try:
        assert mode_of(path) == 0o600
        assert mode_of(tmp_path) == 0o755  # a folder that was there is the user's choice
    finally:
        await db.close()


async def test_open_creates_the_folder_and_a_file_in_wal_mode(db, tmp_path):
    assert db.path == tmp_path / "nested" / "folder" / "ward.sqlite3"
    assert db.path.is_file()
    mode = await db.read(lambda conn: conn.execute("PRAGMA journal_mode").fetchone()[0])
    assert mode == "wal"
    version = await db.read(lambda conn: conn.execute("PRAGMA user_version").fetchone()[0])
    assert version == len(MIGRATIONS)


async def test_a_folder_that_cannot_be_created_is_unavailable_naming_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    with pytest.raises(StoreUnavailable) as refused:
        await EmbeddedDb.open(blocker / "ward.sqlite3")

    # The path, then the operating system's own words (they differ between systems).
    prefix = f"Cannot use {blocker / 'ward.sqlite3'} for the station's data: "
    assert refused.value.reason.startswith(prefix)
    assert len(refused.value.reason) > len(prefix)


async def test_a_file_that_is_not_a_database_is_unavailable(tmp_path):
    path = tmp_path / "ward.sqlite3"
    path.write_bytes(b"this is no database, just some text " * 100)

    with pytest.raises(StoreUnavailable) as refused:
        await EmbeddedDb.open(path)

    assert str(path) in refused.value.reason and "not a database" in refused.value.reason


async def test_a_file_from_a_newer_station_is_refused(tmp_path):
    path = tmp_path / "ward.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")

    with pytest.raises(StoreUnavailable) as refused:
        await EmbeddedDb.open(path)

    assert "newer" in refused.value.reason


async def test_a_write_commits_and_returns_what_fn_returns(db):
    assert await db.write(lambda conn: add_bed(conn) or "done") == "done"

    assert await db.read(count_beds) == 1


async def test_a_write_that_raises_is_rolled_back(db):
    def add_then_fail(conn):
        add_bed(conn)
        raise ValueError("changed my mind")

    with pytest.raises(ValueError):
        await db.write(add_then_fail)

    assert await db.read(count_beds) == 0


async def test_sqlite_errors_become_store_unavailable_with_the_reason(db):
    def locked(conn):
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(StoreUnavailable) as refused:
        await db.write(locked)

    assert refused.value.reason == "database is locked"


async def test_data_written_before_close_is_there_after_reopening(db):
    await db.write(add_bed)
    await db.close()

    again = await EmbeddedDb.open(db.path)
    try:
        assert await again.read(count_beds) == 1
    finally:
        await again.close()


async def test_calls_after_close_are_unavailable_and_close_twice_is_fine(db):
    await db.close()
    await db.close()

    for call in (db.read, db.write):
        with pytest.raises(StoreUnavailable, match="closed"):
            await call(count_beds)


async def test_health_is_up_with_the_file_as_its_node_and_down_once_closed(db):
    health = await db.health("vitals")

    assert (health.store, health.backend, health.state) == ("vitals", "embedded", HealthState.UP)
    assert health.latency_ms is not None and health.latency_ms >= 0
    assert health.nodes == (NodeStatus(address=str(db.path), role="sqlite wal", current=True),)
    assert health.consistency[0] == "embedded, not replicated"

    await db.close()
    down = await db.health("vitals")
    assert (down.state, down.reason) == (HealthState.DOWN, "closed")
    assert not down.nodes[0].up


async def test_every_store_reports_the_embedded_backend(tmp_path):
    from stores import StoreConfig, open_stores

    stores = await open_stores(StoreConfig(data_dir=tmp_path))
    try:
        health = await stores.health()
    finally:
        await stores.close()

    assert [(h.store, h.backend) for h in health] == [
        (name, "embedded") for name in ("vitals", "patients", "network", "analytics", "alerts")
    ]
