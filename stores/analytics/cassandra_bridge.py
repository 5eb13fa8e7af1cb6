"""The Cassandra driver's `execute_async` futures as awaitables, page by page, on the asyncio loop.

The driver calls back from its own I/O threads; a callback only hands the page (or the error)
to the loop with `call_soon_threadsafe` and returns, so the driver's thread never waits on us.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from cassandra import OperationTimedOut
from cassandra.cluster import Session

T = TypeVar("T")
Row = dict[str, Any]  # a row as the cluster's `dict_factory` makes it: column -> value
# How much longer than the driver's own request timeout to wait for its answer: the driver's
# OperationTimedOut comes first; this only guards against a callback that never arrives.
_GUARD = 1.5
# A whole read, every page included, may take this many request timeouts: each page answering
# just in time must not hold a call for ever.
TOTAL_REQUESTS = 4


class _Pages:
    """Receives the pages of one response from the driver's threads, one waiter at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiter: asyncio.Future[list[Row]] = loop.create_future()

    def expect_next(self) -> None:
        """Set up the next waiter before asking for the page, which may arrive at once."""
        self._waiter = self._loop.create_future()

    def on_page(self, rows: Iterable[Row] | None) -> None:  # a driver thread
        self._hand_over(self._settle, rows)

    def on_error(self, exc: BaseException) -> None:  # a driver thread
        self._hand_over(self._fail, exc)

    def _hand_over(self, settle: Callable[[T], None], value: T) -> None:
        try:
            self._loop.call_soon_threadsafe(settle, value)
        except RuntimeError:
            pass  # the loop is closed: nobody is waiting for this answer any more

    def _settle(self, rows: Iterable[Row] | None) -> None:
        if not self._waiter.done():  # done: the caller gave up (cancelled or timed out)
            self._waiter.set_result(list(rows or ()))

    def _fail(self, exc: BaseException) -> None:
        if not self._waiter.done():
            self._waiter.set_exception(exc)

    async def next_page(self, timeout_s: float) -> list[Row]:
        return await asyncio.wait_for(self._waiter, timeout_s)


async def execute(session: Session, statement: object, parameters: object = None,
                  timeout_s: float = 5.0, **options: object) -> list[Row]:
    """Every row of `statement`, following the pages the driver hands out (its `fetch_size`).

    Driver errors are raised as they are (see cassandra_errors for their meaning); a callback
    that never comes raises OperationTimedOut after half again `timeout_s`, and so does a read
    whose pages together take more than TOTAL_REQUESTS times `timeout_s`."""
    total_s = timeout_s * TOTAL_REQUESTS
    try:
        async with asyncio.timeout(total_s):
            return await _all_pages(session, statement, parameters, timeout_s, options)
    except TimeoutError:
        raise OperationTimedOut(f"no complete answer within {total_s:g} s") from None


async def _all_pages(session: Session, statement: object, parameters: object, timeout_s: float,
                     options: dict[str, object]) -> list[Row]:
    pages = _Pages(asyncio.get_running_loop())
    response = session.execute_async(statement, parameters, timeout=timeout_s, **options)
    response.add_callbacks(pages.on_page, pages.on_error)
    rows: list[Row] = []
    while True:
        try:
            rows.extend(await pages.next_page(timeout_s * _GUARD))
        except TimeoutError:
            raise OperationTimedOut("no answer from the driver") from None
        if not response.has_more_pages:
            return rows
        pages.expect_next()
        response.start_fetching_next_page()


async def gather_limited(calls: Iterable[Callable[[], Awaitable[T]]], limit: int = 32) -> list[T]:
    """Run the calls concurrently, at most `limit` at a time, results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(call) for call in calls)))

