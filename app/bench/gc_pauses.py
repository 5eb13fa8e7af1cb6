"""The garbage collector's pauses on the UI thread while a benchmark measures. A collection runs
on the thread whose allocation set it off and stops that thread for its whole length: on the UI
thread that is a frame late, so those are timed (gc.callbacks), those of other threads not."""

from __future__ import annotations

import gc
import threading
import time

LONG_PAUSE_MS = 10.0  # the bound: a pause longer than this is a visible hitch


class GcPauses:
    """Times, while entered, each collection run on the thread that entered it."""

    def __init__(self) -> None:
        self.pauses_ms: list[float] = []
        self._thread = threading.get_ident()
        self._started: float | None = None

    def __enter__(self) -> GcPauses:
        self._thread = threading.get_ident()
        gc.callbacks.append(self._on_collection)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._on_collection)

    def _on_collection(self, phase: str, info: dict) -> None:
        if threading.get_ident() != self._thread:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.pauses_ms.append((time.perf_counter() - self._started) * 1000.0)
            self._started = None

    def figures(self) -> dict:
        return {"gc_pause_ms_max": round(max(self.pauses_ms, default=0.0), 3),
                "gc_pauses_over_10ms": sum(ms > LONG_PAUSE_MS for ms in self.pauses_ms)}
