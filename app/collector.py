"""The garbage collector kept out of the UI thread's frames. A full collection walks every
object that may be in a cycle: after start-up, 110 000 of them (modules, Qt's wrappers, the
window's widgets, pyqtgraph, the first records), 100-150 ms on the UI thread, once every few
minutes (bench window, gc_pause_ms_max). Frozen, they are out of its walk: it walks only what
came since, mostly the feeds' recent records. Frozen objects are still freed as soon as nothing
refers to them; only a cycle among them is kept, and start-up makes few.

Measured with that (bench window, 32 beds): young collections up to 5 ms, a full one 5-9 ms
(the feeds' last 20 s of ECG chunks, 2 600 objects, are most of what it walks): the
collector's thresholds stay as they are. The station's and the bench's start freeze; a station
started by a test does not, and one run in the test's process (`app.cli.main`) thaws when it
stops, so nothing of the suite stays frozen.

The collector stays automatic: it runs on whichever thread's allocation sets it off, which may
free a cycle holding Qt objects off the UI thread. Collecting on the UI thread only (the
automatic collector off, the due generations collected there every 0.1 s) was tried and
measured (bench --config InfluxDB, 32 beds, its week of backfill alive meanwhile): the young
generation grew with what the other threads allocated, and without the collector's own rule
that skips most full collections, those took 220-380 ms on the UI thread (the bench's
measured window: pauses up to 22-37 ms). The suite collects on its main thread between
tests (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import gc

# Once the window has shown its first data (lazy imports such as the care graph's networkx,
# the ward's records), what is left is long-lived too: frozen again this long after start-up.
SETTLED_S = 10.0


class Frozen:
    """What start-up built, frozen now and again once the station has settled, until `thaw`."""

    def __init__(self) -> None:
        gc.freeze()  # no collection first: that would be the long pause itself
        self.again = asyncio.get_running_loop().call_later(SETTLED_S, gc.freeze)

    def thaw(self) -> None:
        """The station stopped: everything back in the collector's walk."""
        self.again.cancel()
        gc.unfreeze()
