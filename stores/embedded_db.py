"""The one SQLite file that every embedded store shares: WAL mode, one writer and one reader.

Each connection lives on its own single thread, so SQLite never sees a connection used from two
threads and the asyncio loop never blocks on the disk. Writes are serialised on the writer;
reads run beside them on the reader, which WAL lets see the last committed state.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from stores.embedded_schema import migrate
from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus, StoreHealth

T = TypeVar("T")

BACKEND = "embedded"
BUSY_TIMEOUT_MS = 5000
EMBEDDED_CONSISTENCY = ("embedded, not replicated", "one file on this computer",
                        "a replicated stack: ward-station lab up")
# These are bugs in our SQL or data, not an unavailable file: they surface as they are.
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


class EmbeddedDb:
    """The shared file. Open with `await EmbeddedDb.open(path)`; close with `await db.close()`."""

    def __init__(self, path: Path, writer: _Connection, reader: _Connection) -> None:
        self.path = path
        self._writer = writer
        self._reader = reader

    @classmethod
    async def open(cls, path: Path) -> EmbeddedDb:
        """Create the folder and the file if needed and bring its schema up to date."""
        path = Path(path)
        await asyncio.to_thread(_check_writable, path)
        writer = _Connection(path, "ward-db-writer")
        reader = _Connection(path, "ward-db-reader")
        try:
            await writer.connect(lambda conn: migrate(conn, path))
            await reader.connect(None)
            await asyncio.to_thread(keep_private, path)  # the -wal and -shm exist by now
        except StoreUnavailable as exc:
            await reader.close()
            await writer.close()
            raise StoreUnavailable(f"Cannot open {path}: {exc.reason}") from exc
        return cls(path, writer, reader)

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(conn)` in one write transaction: committed if it returns, rolled back if not."""
        return await self._writer.transaction(fn, "BEGIN IMMEDIATE")

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(conn)` on the reader, in one snapshot of the file."""
        return await self._reader.transaction(fn, "BEGIN")

    async def health(self, store: str) -> StoreHealth:
        """UP with the round trip of a trivial query, or DOWN with the reason it failed."""
        node = NodeStatus(address=str(self.path), role="sqlite wal")
        started = time.perf_counter()
        try:
            await self.read(lambda conn: conn.execute("SELECT 1").fetchone())
        except StoreUnavailable as exc:
            node = NodeStatus(address=node.address, role=node.role, up=False)
            return StoreHealth(store, BACKEND, HealthState.DOWN, reason=exc.reason, nodes=(node,),
                               consistency=EMBEDDED_CONSISTENCY)
        latency_ms = (time.perf_counter() - started) * 1000.0
        return StoreHealth(store, BACKEND, HealthState.UP, latency_ms=latency_ms,
                           nodes=(dataclasses.replace(node, current=True),),
                           consistency=EMBEDDED_CONSISTENCY)

    async def close(self) -> None:
        """Close both connections (idempotent); later calls raise StoreUnavailable("closed")."""
        await self._reader.close()
        await self._writer.close()


class _Connection:
    """One SQLite connection and the single thread that may use it."""

    def __init__(self, path: Path, name: str) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    async def connect(self, prepare: Callable[[sqlite3.Connection], None] | None) -> None:
        await self._run(self._connect, prepare)

    async def transaction(self, fn: Callable[[sqlite3.Connection], T], begin: str) -> T:
        return await self._run(self._transaction, fn, begin)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True  # set before awaiting: nothing new is queued behind the close
        await asyncio.get_running_loop().run_in_executor(self._executor, self._disconnect)
        self._executor.shutdown(wait=True)

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        if self._closed:
            raise StoreUnavailable("closed")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, fn, *args)
        except _BUGS:
            raise
        except sqlite3.Error as exc:
            raise StoreUnavailable(str(exc)) from exc

    # --- on the connection's own thread ---

    def _connect(self, prepare: Callable[[sqlite3.Connection], None] | None) -> None:
        # Autocommit mode: transactions are begun and ended by hand, never implicitly.
        conn = sqlite3.connect(self._path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")  # a commit survives power loss too
            if prepare is not None:
                conn.execute("PRAGMA journal_mode = WAL")  # kept in the file once set
                prepare(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _transaction(self, fn: Callable[[sqlite3.Connection], T], begin: str) -> T:
        conn = self._conn
        if conn is None:
            raise StoreUnavailable("closed")
        conn.execute(begin)
        try:
            result = fn(conn)
            conn.execute("COMMIT")
            return result
        except BaseException:
            _roll_back(conn)
            raise

    def _disconnect(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _roll_back(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # the error that brought us here is the one worth reporting


# The station's data (patients, audit log, queued writes) is the user's alone: the folder is
# created 0700 and the file and SQLite's -wal/-shm beside it are kept 0600.
FOLDER_MODE = 0o700
FILE_MODE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")


def _check_writable(path: Path) -> None:
    """Fail early with the OS's own words; SQLite only says "unable to open database file"."""
    try:
        make_private_dir(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE))
        keep_private(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreUnavailable(f"Cannot use {path} for the station's data: {reason}") from exc


def make_private_dir(folder: Path) -> None:
    """Create `folder` (and its parents) readable by the user only; a folder that exists
    already keeps its permissions (it may be one the user chose to share)."""
    if folder.is_dir():
        return
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)  # mkdir's mode passes through the umask; this does not


def keep_private(path: Path) -> None:
    """Make the database file, and its -wal/-shm where they exist, readable by the user only
    (SQLite creates those with the file's mode; one made by an older version may be wider)."""
    for file in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        try:
            os.chmod(file, FILE_MODE)
        except FileNotFoundError:
            pass
