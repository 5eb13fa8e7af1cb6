"""Waiting in a test for something to happen: one `eventually`, never a fixed sleep.

`eventually` awaits on the running event loop (asyncio or qasync); `eventually_blocking` is the
same wait for code that has no loop (a fixture starting servers, a test watching a subprocess).
Widget tests without a loop use pytest-qt's `qtbot.waitUntil` / `qtbot.waitSignal`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Generator

POLL_S = 0.02  # short: a test waits for a condition, not for a round number of pauses


async def eventually(condition: Callable[[], object], timeout_s: float = 20.0,
                     what: str = "the condition", *,
                     ignoring: tuple[type[BaseException], ...] = ()) -> object:
    """Await until `condition()` is truthy and return its value; fail the test naming `what`
    after `timeout_s`. Exceptions of the `ignoring` types count as not yet."""
    checks = _checks(condition, timeout_s, what, ignoring)
    try:
        while True:
            next(checks)
            await asyncio.sleep(POLL_S)
    except StopIteration as done:
        return done.value


def eventually_blocking(condition: Callable[[], object], timeout_s: float = 20.0,
                        what: str = "the condition", *,
                        ignoring: tuple[type[BaseException], ...] = ()) -> object:
    """`eventually` for code without an event loop: blocks this thread between checks."""
    checks = _checks(condition, timeout_s, what, ignoring)
    try:
        while True:
            next(checks)
            time.sleep(POLL_S)
    except StopIteration as done:
        return done.value


def _checks(condition: Callable[[], object], timeout_s: float, what: str,
            ignoring: tuple[type[BaseException], ...]) -> Generator[None, None, object]:
    """Checks `condition` once per step; yields while it is false, returns its truthy value,
    raises AssertionError once `timeout_s` is over (the last check comes after the deadline, so a
    slow machine never fails a condition that did come true)."""
    deadline = time.monotonic() + timeout_s
    while True:
        late = time.monotonic() >= deadline
        try:
            result = condition()
        except ignoring:
            result = None
        if result:
            return result
        if late:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        yield
