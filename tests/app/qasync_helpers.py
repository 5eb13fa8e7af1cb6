"""Running a coroutine on a qasync loop inside a test, as the app runs its own."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine

import qasync
from PySide6.QtWidgets import QApplication


def run_on_qt_loop(coroutine: Coroutine, timeout_s: float = 90.0):
    """Run `coroutine` to completion with asyncio on the Qt event loop, as the app does."""
    try:
        return _run_on_a_new_loop(coroutine, timeout_s)
    finally:
        # Collect the closed loop here, on the main thread, once nothing refers to it (not
        # inside the function holding it: that collected nothing, and its QTimer-owning parts
        # were later freed on a store's thread, where Qt refuses to stop their timers).
        gc.collect()


def _run_on_a_new_loop(coroutine: Coroutine, timeout_s: float):
    loop = qasync.QEventLoop(QApplication.instance())
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(asyncio.wait_for(coroutine, timeout_s))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()
