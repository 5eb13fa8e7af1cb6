"""Stopping asyncio tasks for sure, even when a driver turns a cancellation into its own error."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

# How long a stop waits before asking a task again to stop.
PATIENCE_S = 1.0


def raise_if_cancelled() -> None:
    """Re-raise a cancellation that a library turned into an error of its own (seen with
    PyMongo's timeouts on Python 3.11: the simulator's tick caught "server unavailable" and went
    on ticking, so closing the station waited for ever). A task asked to stop must stop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def cancel_and_wait(tasks: Iterable[asyncio.Task], patience_s: float = PATIENCE_S) -> None:
    """Cancel `tasks` and return once all are done, cancelling again every `patience_s` those
    that swallowed the request."""
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=patience_s)


def run_on_qt_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` on a qasync loop (Qt's), as the station and the benchmarks do, and collect the
    closed loop's garbage here, on the Qt thread: left to the cyclic collector, its QTimer-owning
    parts may be freed on a store's thread, where Qt refuses to stop their timers (a process
    that runs more than one loop: the tests calling main() in-process)."""
    import qasync

    try:
        return qasync.run(main)
    finally:
        gc.collect()
