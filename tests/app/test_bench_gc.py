"""The bench's garbage-collector figure: the pauses of the thread that measures (the UI
thread), timed from each collection's start to its end; another thread's are not its own."""

from __future__ import annotations

import gc
import threading

from app.bench.gc_pauses import GcPauses


class Cycle:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_the_measuring_threads_collections_are_timed_and_others_not():
    with GcPauses() as pauses:
        for _ in range(20_000):
            Cycle()
        gc.collect()
        on_this_thread = len(pauses.pauses_ms)
        other = threading.Thread(target=gc.collect)
        other.start()
        other.join()
    assert on_this_thread >= 1
    assert len(pauses.pauses_ms) == on_this_thread  # the other thread's collection is not ours
    assert all(ms > 0 for ms in pauses.pauses_ms)
    figures = pauses.figures()
    assert figures["gc_pause_ms_max"] == round(max(pauses.pauses_ms), 3)
    assert figures["gc_pauses_over_10ms"] == sum(ms > 10 for ms in pauses.pauses_ms)
    gc.collect()
    assert len(pauses.pauses_ms) == on_this_thread  # and nothing once left
