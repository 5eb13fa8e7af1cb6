"""The garbage collector kept out of the UI thread's frames. A full collection walks every
object that may be in a cycle: after start-up, 110 000 of them (modules, Qt's wrappers, the
window's widgets, pyqtgraph, the first records), 100-150 ms on the UI thread, once every few
minutes (bench window, gc_pause_ms_max). Frozen, they are out of its walk: it walks only what
came since, mostly the feeds' recent records. Frozen objects are still freed as soon as nothing
refers to them; only a cycle among them is kept, and start-up makes few.

Measured with that (bench window, 32 beds): young collections up to 5 ms, a full one 5-9 ms
(the feeds' last 20 s of ECG chunks, 2 600 objects, are most of what it walks): the
collector's thresholds stay as they are. The station's and the bench's start call this; a
test that starts a station in the test process does not (nothing of the suite is frozen)."""

from __future__ import annotations

import asyncio
import gc

# Once the window has shown its first data (lazy imports such as the care graph's networkx,
# the ward's records), what is left is long-lived too: frozen again this long after start-up.
SETTLED_S = 10.0


def freeze_after_start_up() -> asyncio.TimerHandle:
    """Freeze what start-up built now, and again once the station has settled."""
    gc.freeze()  # no collection first: that would be the long pause itself
    return asyncio.get_running_loop().call_later(SETTLED_S, gc.freeze)
