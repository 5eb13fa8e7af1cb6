"""Runs the care network's Neo4j transactions: reads on readers, writes on the leader, every
call bounded in time and every driver error turned into a store error."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import neo4j

from stores.errors import StoreUnavailable
from stores.network.neo4j_errors import store_error

T = TypeVar("T")
Work = Callable[[neo4j.AsyncManagedTransaction], Awaitable[T]]  # a transaction function
SYSTEM_DATABASE = "system"


class Neo4jSessions:
    """Opens a session per call on one driver (a driver is safe to share; sessions are not).

    Every session shares one bookmark manager, so a read sees the station's own earlier writes
    even when the cluster routes it to a follower that has not caught up yet.
    """

    def __init__(self, driver: neo4j.AsyncDriver, database: str | None, addresses: list[str],
                 timeout_s: float) -> None:
        self.driver = driver
        self.database = database  # None: the server's default database
        self.addresses = addresses  # "host:port" as configured
        self.where = ", ".join(addresses)  # for reasons
        self.timeout_s = timeout_s
        self._bookmarks = neo4j.AsyncGraphDatabase.bookmark_manager()
        self._closed = False

    async def read(self, work: Work[T]) -> T:
        """Run `work` in a read transaction, routed to a reader (a follower in a cluster)."""
        return await self._run(work, write=False, database=self.database)

    async def write(self, work: Work[T]) -> T:
        """Run `work` in a write transaction, routed to the leader."""
        return await self._run(work, write=True, database=self.database)

    async def write_system(self, work: Work[T]) -> T:
        """Run `work` on the system database (creating databases)."""
        return await self._run(work, write=True, database=SYSTEM_DATABASE)

    async def _run(self, work: Work[T], *, write: bool, database: str | None) -> T:
        if self._closed:
            raise StoreUnavailable("closed")
        # The system database keeps bookmarks of its own; mixing them with ours is refused.
        bookmarks = None if database == SYSTEM_DATABASE else self._bookmarks
        try:
            async with asyncio.timeout(self.timeout_s):
                async with self.driver.session(database=database,
                                               bookmark_manager=bookmarks) as session:
                    execute = session.execute_write if write else session.execute_read
                    return await execute(work)
        except TimeoutError as exc:
            # The driver's own time limits are shorter; this one catches a silent server.
            raise StoreUnavailable(f"cannot reach {self.where}: no answer within "
                                   f"{self.timeout_s:g} s") from exc
        except Exception as exc:
            mapped = store_error(exc, self.where, self.database)
            if mapped is None:
                raise
            raise mapped from exc

    async def close(self) -> None:
        """Close the driver once; later calls raise StoreUnavailable("closed")."""
        if not self._closed:
            self._closed = True
            await self.driver.close()


async def rows(tx: neo4j.AsyncManagedTransaction, query: str,
               **parameters: Any) -> list[dict[str, Any]]:
    """Every row of one query in the transaction `tx`, as dicts."""
    result = await tx.run(query, parameters)
    return await result.data()
