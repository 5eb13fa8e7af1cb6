"""The garbage collector kept to the UI thread, and out of its frames.

Only on the UI thread: the station has threads that allocate (the simulator's waveform
synthesis, the InfluxDB store's loop, SQLite's reader and writer, the encoders). Left automatic,
a collection runs on whichever thread allocates past the threshold, and a Qt object left in a
cycle is then freed there, where Qt refuses to touch it (the tests saw this crash twice). So
the automatic collector is off, and the same thresholds are checked from the UI thread's loop
every CHECK_S (as pyqtgraph's GarbageCollector does): every collection, and so every
finaliser of a cycle, runs on that thread.

Out of its frames: a full collection walks every object that may be in a cycle: after start-up,
110 000 of them (modules, Qt's wrappers, the window's widgets, pyqtgraph, the first records),
100-150 ms on the UI thread, once every few minutes (bench window, gc_pause_ms_max). Frozen,
they are out of its walk: it walks only what came since, mostly the feeds' recent records.
Frozen objects are still freed as soon as nothing refers to them; only a cycle among them is
kept, and start-up makes few.

Measured with that (bench window, 32 beds): young collections up to 5 ms, a full one 5-9 ms
(the feeds' last 20 s of ECG chunks, 2 600 objects, are most of what it walks). The station's
and the bench's start take this policy; a station started by a test does not, and one run in
the test's process (`app.cli.main`) ends it when it stops, so the suite's collector is as it
was."""

from __future__ import annotations

import asyncio
import gc

# Once the window has shown its first data (lazy imports such as the care graph's networkx,
# the ward's records), what is left is long-lived too: frozen again this long after start-up.
SETTLED_S = 10.0
# How often the UI thread looks at the collector's counts: often enough that a young
# collection walks about what the automatic collector would (a few thousand objects).
CHECK_S = 0.1


class UiThreadCollector:
    """Start-up frozen, and every collection run from the running loop's thread, until `end`."""

    def __init__(self, check_s: float = CHECK_S) -> None:
        self._loop = asyncio.get_running_loop()
        self._check_s = check_s
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        self.collections = [0, 0, 0]  # run by this policy, per generation
        gc.disable()
        gc.freeze()  # no collection first: that would be the long pause itself
        self._again = self._loop.call_later(SETTLED_S, gc.freeze)
        self._next = self._loop.call_later(check_s, self._check)

    def _check(self) -> None:
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds)):
            if count <= threshold:
                break
            generation = level
        if generation >= 0:
            gc.collect(generation)
            self.collections[generation] += 1
        self._next = self._loop.call_later(self._check_s, self._check)

    def end(self) -> None:
        """The station stopped: everything back in the collector's walk, run as before."""
        self._again.cancel()
        self._next.cancel()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
