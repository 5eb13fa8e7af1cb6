"""Running a coroutine on a qasync loop inside a test, as the app runs its own."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine

import qasync
from PySide6.QtWidgets import QApplication


def run_on_qt_loop(coroutine: Coroutine, timeout_s: float = 90.0):
    """Run `coroutine` to completion with asyncio on the Qt event loop, as the app does."""
    loop = qasync.QEventLoop(QApplication.instance())
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(asyncio.wait_for(coroutine, timeout_s))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()
        # Collect the closed loop here, on the main thread: left to the garbage collector, it
        # may be freed on a driver's thread, and Qt crashes stopping its timers there.
        gc.collect()

