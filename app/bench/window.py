"""`bench window` (the default): the station window at central-station scale, measured.

The real window at 1920x1080 with the simulator feeding every bed's vitals and waveforms; the
bed grid sweeps on its own frame timer, nothing here asks for a repaint. In order:

1. start-up: process start to the window's first painted pass (`app.bench.frames`);
2. the live window for `seconds`: the grid's frames (intervals between painted frames, and how
   long each repaint pass took), the process's CPU, the garbage collector's pauses of the UI
   thread (`app.bench.gc_pauses`) and, at the end, its memory;
3. history: a backfilled week of the selected bed (`--history`), its 24 h and 7 d trends timed
   (`app.bench.history`), on the vitals store the station runs on, the window still live;
4. once the station has stopped (the harness's after-stop step): ingest, batched writes to a
   scratch embedded store (`app.bench.ingest`).

`rss_mb` is the memory at the end of the live window's stretch: the station's own. After the
history step it is higher (`rss_mb_after_history`): the backfill's arrays and batches of samples
leave memory that Python keeps for reuse.
"""

from __future__ import annotations

import asyncio
import itertools
import time

from app.bench.common import READY_LIMIT_S, BenchError, BenchStation, until
from app.bench.gc_pauses import GcPauses
from app.bench.history import FALLBACK_BUCKETS, WEEK_S, bench_history
from app.bench.process import CpuMeter, process_age_s, rss_mb
from app.bench.stats import percentile
from stores.errors import StoreError

SETTLE_S = 1.0  # after every bed sweeps: the first chunks' backlog drawn, the timers steady


async def bench_window(bench: BenchStation, seconds: float) -> dict:
    """The figures of the live window, then of history."""
    figures = {"startup_ms": _startup_ms(bench)}
    await _until_sweeping(bench)
    figures |= await _measure_frames(bench, seconds)
    figures |= await _measure_history(bench)
    figures["rss_mb_after_history"] = round(rss_mb(), 1)
    return figures


def _startup_ms(bench: BenchStation) -> float:
    first = bench.paints.first_painted
    if first is None:
        raise BenchError("the window never painted")
    # process age now, less the time since the first paint
    return round((process_age_s() - (time.perf_counter() - first)) * 1000.0, 1)


def sweeping_beds(bench: BenchStation) -> int:
    return sum(tile.view().sweeping for tile in bench.window.bed_grid.tiles())


async def _until_sweeping(bench: BenchStation) -> None:
    beds = len(bench.patients)
    await until(lambda: sweeping_beds(bench) == beds, READY_LIMIT_S,
                f"every one of the {beds} beds sweeping its ECG")
    await asyncio.sleep(SETTLE_S)


async def _measure_frames(bench: BenchStation, seconds: float) -> dict:
    grid, paints = bench.window.bed_grid, bench.paints
    paints.watch_frames(grid.tiles())
    cpu = CpuMeter().start()
    started = time.perf_counter()
    with GcPauses() as gc_pauses:  # of the UI thread, which runs this loop
        await asyncio.sleep(seconds)
    measured_s = time.perf_counter() - started
    cpu_percent = cpu.percent()
    memory = rss_mb()
    paints.stop_frames()
    ends = paints.frame_ends
    intervals = [(b - a) * 1000.0 for a, b in itertools.pairwise(ends)]
    figures = {
        "fps": round(len(ends) / measured_s, 2),
        **_p50_p99("frame_ms", intervals),
        "frame_ms_max": _ms(max(intervals, default=None)),
        **_p50_p99("paint_ms", paints.frame_paint_ms),
        "frames": len(ends),
        "frame_timer_hz": round(1000.0 / max(1, grid.frame_timer.interval()), 1),
        "cpu_percent": round(cpu_percent, 1),
        "rss_mb": round(memory, 1),
        **gc_pauses.figures(),
        "sweeping_beds": sweeping_beds(bench),
    }
    paints.forget_frames()
    return figures


async def _measure_history(bench: BenchStation) -> dict:
    trends = bench.window.vitals_chart.trends
    buckets = trends.pixel_width() if trends.isVisible() else FALLBACK_BUCKETS
    patient = bench.patients[0]  # the bed the window selects first
    try:
        # the past ends before the station started: its live samples stay as they are
        history_s = bench.options.history_s if bench.options else WEEK_S
        return await bench_history(bench.stores.vitals, patient, bench.started - 1.0, buckets,
                                   history_s)
    except NotImplementedError:
        raise BenchError("this vitals store keeps no downsampled history (trend)") from None
    except StoreError as exc:  # the backfill's writes (a failed trend request is counted)
        raise BenchError(f"the vitals store refused the backfilled week: {exc}") from None


def _p50_p99(prefix: str, values_ms: list[float]) -> dict:
    return {f"{prefix}_p50": _ms(percentile(values_ms, 50)),
            f"{prefix}_p99": _ms(percentile(values_ms, 99))}


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
