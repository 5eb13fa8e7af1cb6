"""What every feed shares: owned asyncio tasks, supervised loops that restart after a bug, a
person's actions as slots whose tasks the feed owns (`action`), a wait that a wake-up cuts short
(`wait_or_wake`), and reporting a store going down and coming back."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
from collections.abc import Callable, Coroutine, Iterator

from PySide6.QtCore import QObject, Signal, Slot

from app.tasks import cancel_and_wait, raise_if_cancelled
from stores.backoff import backoff_s
from stores.errors import StoreUnavailable

log = logging.getLogger(__name__)

# Pauses before restarting a loop that died: from about a second up to half a minute.
RESTART_FIRST_S = 1.0
RESTART_CAP_S = 30.0
# A restarted loop that has run this long without dying counts as running again, even if it
# has made no store call yet (a loop that only waits, such as the health checks).
STEADY_S = 10.0
# What a person started (a save, an acknowledgement) is given this long to finish when the feed
# stops; then it is cancelled (a write cut short is kept in the outbox where there is one).
ACTION_GRACE_S = 5.0


def action(*types: type) -> Callable:
    """A slot for a person's action, like qasync's `asyncSlot`, but run as a task of the feed:
    `stop()` lets it finish for ACTION_GRACE_S before cancelling it, so that closing the
    station never abandons a save half-way. Calling it returns the task."""

    def decorate(method: Callable[..., Coroutine]) -> Callable:
        @Slot(*types)
        @functools.wraps(method)
        def slot(self: Feed, *args: object) -> asyncio.Task:
            # Qt passes a signal's extra arguments; drop those the method does not take.
            while args and not _binds(method, self, args):
                args = args[:-1]
            return self.spawn_action(method(self, *args))

        return slot

    return decorate


def _binds(method: Callable, self: object, args: tuple) -> bool:
    try:
        inspect.signature(method).bind(self, *args)
    except TypeError:
        return False
    return True


class Feed(QObject):
    """Base of the feeds. `unavailable(reason)` fires when the store starts failing, `available()`
    when it answers again; each fires once per change, not per call.

    A feed's loops run supervised: a loop that dies of an unexpected error is started again
    after a growing, jittered pause. `work_stopped(reason)` fires when it dies (the station
    shows a technical alarm) and `work_running()` once it runs again."""

    unavailable = Signal(str)
    available = Signal()
    work_stopped = Signal(str)
    work_running = Signal()
    title = "A station feed"  # what the technical alarm calls this feed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task] = set()
        self.down_reason: str | None = None
        self._started = False
        self.restarts = 0  # loops started again after dying, since the feed was built
        self.stopped_reason: str | None = None  # set while a loop is dead or not yet steady
        self._supervised: set[asyncio.Task] = set()
        self._actions: set[asyncio.Task] = set()
        self._recovering: set[asyncio.Task] = set()
        self.action_grace_s = ACTION_GRACE_S
        self.restart_first_s, self.restart_cap_s, self.steady_s = \
            RESTART_FIRST_S, RESTART_CAP_S, STEADY_S

    def spawn(self, coroutine: Coroutine) -> asyncio.Task:
        """Run `coroutine` as a task this feed owns: kept referenced, logged if it fails,
        cancelled by `stop()`."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def spawn_action(self, coroutine: Coroutine) -> asyncio.Task:
        """Run a person's action as a task this feed owns (see `action`)."""
        task = self.spawn(coroutine)
        self._actions.add(task)
        task.add_done_callback(self._actions.discard)
        return task

    async def wait_or_wake(self, wake: asyncio.Event, timeout_s: float | None) -> bool:
        """Wait until `wake` is set or `timeout_s` passes (None: until it is set); whether it
        was set. It is cleared.
        asyncio.wait, not wait_for: cancelling through wait_for's timeout while the feed stops
        has left qasync's loop without its timers (seen with real servers)."""
        if wake.is_set():  # woken meanwhile: no task to wait on
            wake.clear()
            return True
        waiting = self.spawn(wake.wait())
        try:
            done, _ = await asyncio.wait({waiting}, timeout=timeout_s)
        finally:
            waiting.cancel()
        woken = wake.is_set()
        wake.clear()
        return bool(done) or woken

    def supervise(self, loop: Callable[[], Coroutine]) -> asyncio.Task:
        """Run `loop()`, a coroutine meant never to end, and start it again whenever it dies."""
        task = self.spawn(self._keep_running(loop))
        self._supervised.add(task)
        task.add_done_callback(self._supervised.discard)
        return task

    async def _keep_running(self, loop: Callable[[], Coroutine]) -> None:
        me = asyncio.current_task()
        failures = 0
        while True:
            steady = asyncio.get_running_loop().call_later(self.steady_s, self._run_again, me)
            try:
                await loop()
                reason = "it ended"
            except Exception as exc:
                raise_if_cancelled()
                log.exception("%s: a loop died; starting it again", type(self).__name__)
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            finally:
                steady.cancel()
            # dying again before it ran again: wait longer each time
            failures = failures + 1 if me in self._recovering else 0
            self._stopped(me, reason)
            await asyncio.sleep(backoff_s(failures, self.restart_first_s, self.restart_cap_s))
            self.restarts += 1

    def _stopped(self, task: asyncio.Task, reason: str) -> None:
        self._recovering.add(task)
        if reason != self.stopped_reason:
            self.stopped_reason = reason
            self.work_stopped.emit(reason)

    def _run_again(self, task: asyncio.Task | None) -> None:
        """The restarted loop made a successful store call, or lived long enough."""
        if task in self._recovering:
            self._recovering.discard(task)
            if not self._recovering and self.stopped_reason is not None:
                self.stopped_reason = None
                self.work_running.emit()

    def _forget(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        self._recovering.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s task failed", type(self).__name__, exc_info=task.exception())

    async def stop(self) -> None:
        """Let a person's actions finish for `action_grace_s`, then cancel every task."""
        actions = {task for task in self._actions if not task.done()}
        if actions:
            await asyncio.wait(actions, timeout=self.action_grace_s)
        await cancel_and_wait(list(self._tasks))

    @contextlib.contextmanager
    def reporting(self) -> Iterator[None]:
        """Run a store call: a failure is reported (and the rest of the block skipped), a success
        after a failure reports the store back. An unexpected error (a bug) inside a supervised
        loop kills the loop, which is then started afresh; elsewhere (a user's action) it is
        logged and reported like a store failure, so that the window stays up."""
        try:
            yield
        except StoreUnavailable as exc:
            raise_if_cancelled()
            self._mark_down(exc.reason)
        except Exception as exc:
            raise_if_cancelled()
            if asyncio.current_task() in self._supervised:
                raise
            log.exception("%s: unexpected error", type(self).__name__)
            self._mark_down(f"unexpected error: {exc}")
        else:
            self._mark_up()
            self._run_again(asyncio.current_task())

    def _mark_down(self, reason: str) -> None:
        if reason != self.down_reason:
            self.down_reason = reason
            self.unavailable.emit(reason)

    def _mark_up(self) -> None:
        if self.down_reason is not None:
            self.down_reason = None
            self.available.emit()
