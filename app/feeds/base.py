"""What every feed shares: owned asyncio tasks, and reporting a store going down and coming back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterator

from PySide6.QtCore import QObject, Signal

from app.tasks import cancel_and_wait, raise_if_cancelled
from stores.errors import StoreUnavailable

log = logging.getLogger(__name__)


class Feed(QObject):
    """Base of the feeds. `unavailable(reason)` fires when the store starts failing, `available()`
    when it answers again; each fires once per change, not per call."""

    unavailable = Signal(str)
    available = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task] = set()
        self.down_reason: str | None = None
        self._started = False

    def spawn(self, coroutine: Coroutine) -> asyncio.Task:
        """Run `coroutine` as a task this feed owns: kept referenced, logged if it fails,
        cancelled by `stop()`."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s task failed", type(self).__name__, exc_info=task.exception())

    async def stop(self) -> None:
        await cancel_and_wait(list(self._tasks))

    @contextlib.contextmanager
    def reporting(self) -> Iterator[None]:
        """Run a store call: a failure is reported (and the rest of the block skipped), a success
        after a failure reports the store back."""
        try:
            yield
        except StoreUnavailable as exc:
            raise_if_cancelled()
            self._mark_down(exc.reason)
        except Exception as exc:  # a bug must not take the window down; it is logged in full
            raise_if_cancelled()
            log.exception("%s: unexpected error", type(self).__name__)
            self._mark_down(f"unexpected error: {exc}")
        else:
            self._mark_up()

    def _mark_down(self, reason: str) -> None:
        if reason != self.down_reason:
            self.down_reason = reason
            self.unavailable.emit(reason)

    def _mark_up(self) -> None:
        if self.down_reason is not None:
            self.down_reason = None
            self.available.emit()

