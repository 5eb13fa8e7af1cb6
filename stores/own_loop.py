"""An asyncio event loop on a thread of its own, for a store whose work should not wait on the
window's loop.

The station's loop is Qt's (qasync): every step of a network call (send, headers, each chunk of
the answer) waits there behind whatever the window is painting, so a query that takes 80 ms
alone took 400 ms with 32 beds sweeping. A store that runs its calls here is answered in one hop
of the window's loop, as the embedded store is by its SQLite thread. Cancelling the caller
cancels the call on this loop too (`asyncio.run_coroutine_threadsafe`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from stores.errors import StoreUnavailable

T = TypeVar("T")

_STOP_JOIN_S = 5.0


class OwnLoop:
    """A loop running on a daemon thread from construction until `stop`."""

    def __init__(self, name: str) -> None:
        # Python's own loop, whatever the policy: qasync's would make a Qt loop, which can
        # only run on the main thread.
        self._loop = asyncio.DefaultEventLoopPolicy().new_event_loop()
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    async def run(self, call: Coroutine[Any, Any, T]) -> T:
        """Await `call` on this loop from any other loop; its result or its exception.
        StoreUnavailable("closed") once stopped."""
        if self.stopped:
            call.close()
            raise StoreUnavailable("closed")
        future = asyncio.run_coroutine_threadsafe(call, self._loop)
        return await asyncio.wrap_future(future)

    def stop(self) -> None:
        """End the loop once the calls it runs now have ended (or were cancelled)."""
        if self.stopped:
            return
        self._stopping = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        if threading.current_thread() is not self._thread:
            self._thread.join(_STOP_JOIN_S)

    @property
    def stopped(self) -> bool:
        return self._stopping or self._loop.is_closed()

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def _serve(self) -> None:
        try:
            self._loop.run_forever()
        finally:
            self._end_left_tasks()
            self._loop.close()

    def _end_left_tasks(self) -> None:
        """Tasks still running when the loop stops (a caller that never awaited its result)
        are cancelled and given the chance to clean up, as asyncio.run does."""
        left = asyncio.all_tasks(self._loop)
        for task in left:
            task.cancel()
        if left:
            self._loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.run_until_complete(self._loop.shutdown_default_executor())
