"""The frame figures of one or more windows over a stretch of time, measured alike for the
station's bed grids and for the plain pyqtgraph grid it is compared with (`app.bench.plain`).

Each window's frames are the repaint passes that painted one of its watched widgets
(`app.bench.frames.WindowPaints`). Each screen refreshes on its own, so the frame rate is each
window's own and `fps` is the slowest window's (what the worse screen shows); the intervals
between frames are taken per window and pooled for the percentiles, as are the passes' times;
`frames` counts every window's. CPU is the whole process's over the stretch.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from app.bench.frames import WindowPaints
from app.bench.process import CpuMeter
from app.bench.stats import percentile

Watched = tuple[WindowPaints, Sequence[QWidget]]  # a window's passes, and what makes a frame


async def measure_frames(watched: Sequence[Watched], seconds: float) -> dict:
    """fps, frame and paint times, frames and CPU of `watched` over `seconds`."""
    for paints, widgets in watched:
        paints.forget_frames()
        paints.watch_frames(widgets)
    cpu = CpuMeter().start()
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    measured_s = time.perf_counter() - started
    cpu_percent = cpu.percent()
    for paints, _ in watched:
        paints.stop_frames()
    figures = frame_figures([paints.frame_ends for paints, _ in watched],
                            [ms for paints, _ in watched for ms in paints.frame_paint_ms],
                            measured_s)
    for paints, _ in watched:
        paints.forget_frames()
    return figures | {"cpu_percent": round(cpu_percent, 1)}


def records_mb(probes: Sequence[WindowPaints]) -> float:
    """The memory the probes' own records of frames take (a list slot and a float each): the
    bench's, not the station's, left out of a soak's growth (about 10 MB an hour at 45 fps)."""
    entries = sum(len(p.frame_ends) + len(p.frame_paint_ms) for p in probes)
    return entries * (8 + sys.getsizeof(0.0)) / 2**20


def frame_figures(frame_ends: Sequence[Sequence[float]], paint_ms: Sequence[float],
                  measured_s: float) -> dict:
    """The figures of each window's frame end times (perf_counter s) and the passes' times."""
    intervals = [(b - a) * 1000.0 for ends in frame_ends for a, b in itertools.pairwise(ends)]
    return {
        "fps": round(min(len(ends) for ends in frame_ends) / measured_s, 2),
        **_p50_p99("frame_ms", intervals),
        "frame_ms_max": _ms(max(intervals, default=None)),
        **_p50_p99("paint_ms", paint_ms),
        "frames": sum(len(ends) for ends in frame_ends),
    }


def _p50_p99(prefix: str, values_ms: Sequence[float]) -> dict:
    return {f"{prefix}_p50": _ms(percentile(values_ms, 50)),
            f"{prefix}_p99": _ms(percentile(values_ms, 99))}


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
