"""Waiting in a test for something to happen: one `eventually`, never a fixed sleep.

`eventually` awaits on the running event loop (asyncio or qasync); `eventually_blocking` is the
same wait for code that has no loop (a fixture starting servers, a test watching a subprocess).
Widget tests without a loop use pytest-qt's `qtbot.waitUntil` / `qtbot.waitSignal`.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

POLL_S = 0.02  # short: a test waits for a condition, not for a round number of pauses
Errors = tuple[type[BaseException], ...]


async def eventually(condition: Callable[[], object], timeout_s: float = 20.0,
                     what: str = "the condition", *, ignoring: Errors = ()) -> object:
    """Await until `condition()` is truthy and return its value; fail the test naming `what`
    after `timeout_s`. `condition` may be a coroutine function (a store's count, say).
    Exceptions of the `ignoring` types count as not yet."""
    deadline = _Deadline(timeout_s, what)
    while True:
        late = deadline.passed()
        result = _checked(condition, ignoring)
        if inspect.isawaitable(result):
            result = await _awaited(result, ignoring)
        if result:
            return result
        deadline.fail_if(late)
        await asyncio.sleep(POLL_S)


def eventually_blocking(condition: Callable[[], object], timeout_s: float = 20.0,
                        what: str = "the condition", *, ignoring: Errors = ()) -> object:
    """`eventually` for code without an event loop: blocks this thread between checks."""
    deadline = _Deadline(timeout_s, what)
    while True:
        late = deadline.passed()
        result = _checked(condition, ignoring)
        if result:
            return result
        deadline.fail_if(late)
        time.sleep(POLL_S)


def _checked(condition: Callable[[], object], ignoring: Errors) -> object:
    try:
        return condition()
    except ignoring:
        return None


async def _awaited(result: Awaitable, ignoring: Errors) -> object:
    try:
        return await result
    except ignoring:
        return None


class _Deadline:
    """When a wait gives up. The condition is checked once more after the deadline has passed,
    so that a slow machine never fails a condition that did come true."""

    def __init__(self, timeout_s: float, what: str) -> None:
        self._at = time.monotonic() + timeout_s
        self._timeout_s, self._what = timeout_s, what

    def passed(self) -> bool:
        return time.monotonic() >= self._at

    def fail_if(self, late: bool) -> None:
        if late:
            raise AssertionError(f"{self._what} did not happen within {self._timeout_s} s")
