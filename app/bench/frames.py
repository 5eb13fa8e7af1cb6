"""The station window's repaint passes, timed: when it first painted, and the bed grid's frames.

Qt paints a window in passes: one `UpdateRequest` (or, when it is first exposed, an `Expose`)
paints every widget marked dirty since the last pass and flushes the result to the screen. The
probe wraps each pass, so a pass's duration is the whole repaint and flush. A pass in which any
bed tile received a paint event is a frame of the bed grid: the tiles are opaque, so only the
columns that the grid's frame timer dirtied (or a tile's changed numerics) are painted. The probe
only watches; it never asks for a repaint.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

_PASS = (QEvent.Type.UpdateRequest, QEvent.Type.Expose)
_PAINT = QEvent.Type.Paint


class _TilePaints(QObject):
    """Marks the pass under way when a watched tile is painted."""

    def __init__(self, on_paint: Callable[[], None]) -> None:
        super().__init__()
        self._on_paint = on_paint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == _PAINT:
            self._on_paint()
        return False


class WindowPaints(QObject):
    """Times a top-level window's repaint passes from before it is first shown.

    `first_painted` is perf_counter() at the end of the first pass that painted the window; with
    `watch_frames(tiles)`, every later pass that painted one of `tiles` is a frame:
    `frame_ends` (perf_counter seconds) and `frame_paint_ms` (the pass's duration).
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self._window = window
        self._handles: set[int] = set()  # the native windows (QWindow) already watched
        self._depth = 0  # passes can nest (the window's handle hands one to the widget)
        self._window_painted = False
        self._tile_painted = False
        self._tiles: list[QWidget] = []
        self._tile_filter = _TilePaints(self._mark_tile_painted)
        self.first_painted: float | None = None
        self.passes = 0
        self.frame_ends: list[float] = []
        self.frame_paint_ms: list[float] = []
        window.installEventFilter(self)

    def watch_frames(self, tiles: Iterable[QWidget]) -> None:
        """From now on, record a frame for each pass that paints one of `tiles`."""
        self.stop_frames()
        self._tiles = list(tiles)
        for tile in self._tiles:
            tile.installEventFilter(self._tile_filter)

    def stop_frames(self) -> None:
        for tile in self._tiles:
            tile.removeEventFilter(self._tile_filter)
        self._tiles = []

    def forget_frames(self) -> None:
        self.frame_ends.clear()
        self.frame_paint_ms.clear()

    def close(self) -> None:
        self.stop_frames()
        self._window.removeEventFilter(self)
        handle = self._window.windowHandle()
        if handle is not None:
            handle.removeEventFilter(self)

    def _mark_tile_painted(self) -> None:
        self._tile_painted = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == _PAINT:
            if watched is self._window:
                self._window_painted = True
            return False
        if kind in _PASS and self._depth == 0:
            self._timed_pass(watched, event)
            return True  # delivered above, exactly as Qt would have
        if kind == QEvent.Type.WinIdChange or kind == QEvent.Type.Show:
            self._watch_handle()
        return False

    def _timed_pass(self, watched: QObject, event: QEvent) -> None:
        self._depth += 1
        self._window_painted = self._tile_painted = False
        started = time.perf_counter()
        try:
            watched.event(event)
        finally:
            self._depth -= 1
        ended = time.perf_counter()
        self.passes += 1
        if self._window_painted and self.first_painted is None:
            self.first_painted = ended
        if self._tile_painted and self._tiles:
            self.frame_ends.append(ended)
            self.frame_paint_ms.append((ended - started) * 1000.0)

    def _watch_handle(self) -> None:
        """The native window gets the first pass (its `Expose`): watch it too, once it exists."""
        handle = self._window.windowHandle()
        if handle is not None and id(handle) not in self._handles:
            self._handles.add(id(handle))
            handle.installEventFilter(self)
