"""What every feed shares: owned asyncio tasks, supervised loops that restart after a bug, and
reporting a store going down and coming back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterator

from PySide6.QtCore import QObject, Signal

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
        self._recovering: set[asyncio.Task] = set()
        self.restart_first_s, self.restart_cap_s, self.steady_s = \
            RESTART_FIRST_S, RESTART_CAP_S, STEADY_S

    def spawn(self, coroutine: Coroutine) -> asyncio.Task:
        """Run `coroutine` as a task this feed owns: kept referenced, logged if it fails,
        cancelled by `stop()`."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

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
