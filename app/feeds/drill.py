"""Drill feed: the events of a drill running on the station's lab, read from the lab's events
file (`app/lab/drills/events.py`) once a second while the Cluster tab is shown, for its drill
panel and timeline.

The file is the drill process's, read as untrusted (the reader skips what is not an event). A
read is a file read and a parse: it runs on a worker thread, never the window's, and takes at
most `CHUNK` bytes; a file further behind is caught up a chunk at a time, each one emitted as it
is read. Measured here on a 1 MB file (the most the reader takes at once): read on the window's
thread it held it 160-420 ms; caught up this way, the window's thread went at most 20-50 ms
without running (a drill's file grows by about 300 bytes a second: a read is then a line)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Signal

from app.feeds.base import Feed
from app.lab.drills.events import DrillEventReader

CHUNK = 64 * 1024  # about 230 events, 10 ms of parsing here
REFRESH_S = 1.0


class DrillFeed(Feed):
    title = "Drill events"
    events_read = Signal(object)  # list[DrillEvent], the new ones in the order written

    def __init__(self, lab_folder: Path | None, refresh_s: float = REFRESH_S) -> None:
        super().__init__()
        # no lab beside the station's data: nothing is ever read
        self._reader = DrillEventReader(lab_folder) if lab_folder is not None else None
        self.refresh_s = refresh_s
        self.active = False
        self.reads = 0  # reads done (a test waits on it)
        self._wake = asyncio.Event()

    def set_active(self, active: bool) -> None:
        """Read while the Cluster tab is shown (and at once when it comes to the front)."""
        self.active = active
        self._wake.set()

    def start(self) -> None:
        if self._reader is not None:
            self.supervise(self._run)

    async def _run(self) -> None:
        while True:
            caught_up = True
            if self.active:
                caught_up = await self._read()
            await self.wait_or_wake(self._wake, (self.refresh_s if caught_up else 0)
                                    if self.active else None)

    async def _read(self) -> bool:
        """Read a chunk and emit its events; whether the file may hold no more."""
        reader = self._reader
        assert reader is not None
        events = await asyncio.to_thread(reader.read, CHUNK)
        self.reads += 1
        if events:
            self.events_read.emit(events)
        return not events
