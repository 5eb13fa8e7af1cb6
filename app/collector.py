"""The garbage collector kept on the UI thread, and out of its frames.

On the UI thread only. Left to itself, Python's cyclic collector runs on whichever thread's
allocation sets it off: a store driver's (Cassandra's reactor, Neo4j's loop, a worker of
`asyncio.to_thread`). A cycle it frees there that holds Qt objects (a closed dialog, a widget
and its slots) has them destroyed off the thread they live in, which Qt does not allow: a timer
that cannot be stopped, at worst a crash of the station. While the station runs, automatic
collection is off and `collect_due` runs on the UI thread every CHECK_S, collecting what the
collector's own thresholds say is due, as it would have (pyqtgraph's GarbageCollector does the
same on a QTimer; this one runs on the station's event loop, and stops).

Out of its frames: a full collection walks every object that may be in a cycle: after start-up,
110 000 of them (modules, Qt's wrappers, the window's widgets, pyqtgraph, the first records),
100-150 ms on the UI thread, once every few minutes (bench window, gc_pause_ms_max). Frozen,
they are out of its walk: it walks only what came since, mostly the feeds' recent records.
Frozen objects are still freed as soon as nothing refers to them; only a cycle among them is
kept, and start-up makes few.

Measured with that (bench window, 32 beds): young collections up to 5 ms, a full one 5-9 ms
(the feeds' last 20 s of ECG chunks, 2 600 objects, are most of what it walks): the
collector's thresholds stay as they are. The station's and the bench's start freeze; a station
started by a test does not, and one run in the test's process (`app.cli.main`) thaws when it
stops, so nothing of the suite stays frozen and the collector is as the station found it."""

from __future__ import annotations

import asyncio
import gc

# Once the window has shown its first data (lazy imports such as the care graph's networkx,
# the ward's records), what is left is long-lived too: frozen again this long after start-up.
SETTLED_S = 10.0
# How often the UI thread looks whether a collection is due: the garbage of this long waits
# for it (at 60 frames a second, a few thousand objects: a young collection of 1-2 ms).
CHECK_S = 0.1


def collect_due() -> int:
    """Collect here and now the generations the collector's thresholds say are due (what it
    would have collected itself, wherever an allocation set it off); the generation
    collected, or -1 for none."""
    threshold0, threshold1, threshold2 = gc.get_threshold()
    count0, count1, count2 = gc.get_count()
    if count0 <= threshold0:
        return -1
    # a generation's count is the collections of the younger one since its own last
    generation = 0
    if count1 > threshold1:
        generation = 2 if count2 > threshold2 else 1
    gc.collect(generation)
    return generation


class Frozen:
    """What start-up built, frozen now and again once the station has settled, and the
    collection of garbage on this (the UI) thread only, until `thaw`."""

    def __init__(self) -> None:
        gc.freeze()  # no collection first: that would be the long pause itself
        loop = asyncio.get_running_loop()
        self.again = loop.call_later(SETTLED_S, gc.freeze)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._check = loop.call_later(CHECK_S, self._collect)

    def _collect(self) -> None:
        collect_due()
        self._check = asyncio.get_running_loop().call_later(CHECK_S, self._collect)

    def thaw(self) -> None:
        """The station stopped: everything back in the collector's walk, and the collector as
        it was before."""
        self.again.cancel()
        self._check.cancel()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
