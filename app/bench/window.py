"""`bench window` (the default): the station window at central-station scale, measured.

The real window at 1920x1080 with the simulator feeding every bed's vitals and waveforms; the
bed grid sweeps on its own frame timer, nothing here asks for a repaint. A ward of more than 32
beds is shown as a nurse would run it: two windows of 1920x1080, 32 beds on the main one and the
rest on the second screen's (`app.second_screen`), and the frames are both windows'
(`app.bench.frame_rate`). In order:

1. start-up: process start to the window's first painted pass (`app.bench.frames`);
2. the live window for `seconds`: the grids' frames (intervals between painted frames, and how
   long each repaint pass took), the process's CPU, the garbage collector's pauses of the UI
   thread (`app.bench.gc_pauses`) and, at the end, its memory; for a run of three minutes or
   more, its growth per hour (`app.bench.soak`);
3. unless `--no-compare`, the same beds drawn the plain pyqtgraph way for as long, measured
   alike, and the ratios (`app.bench.plain`);
4. history: a backfilled week of the selected bed (`--history`), its 24 h and 7 d trends timed
   (`app.bench.history`), on the vitals store the station runs on, the window still live;
5. once the station has stopped (the harness's after-stop step): ingest, batched writes to a
   scratch embedded store (`app.bench.ingest`).

`rss_mb` is the memory at the end of the live window's stretch: the station's own. After the
history step it is a little higher (`rss_mb_after_history`): of what the backfill's batches took
(a batch of samples at a time, `app.simulator.backfill`), Python keeps some for reuse; the C
allocator's free pages are given back when a bed's backfill ends (`app.memory`: 39 MB of 310
here, on InfluxDB after the plain grid's comparison). A week made at once kept 40 to 120 MB, as
glibc happened to place its arrays (on its heap once its mmap threshold had grown, or mapped
apart and given back).
"""

from __future__ import annotations

import asyncio
import time

from app.bench.common import READY_LIMIT_S, BenchError, BenchStation, until
from app.bench.frame_rate import measure_frames, records_mb
from app.bench.gc_pauses import GcPauses
from app.bench.history import FALLBACK_BUCKETS, WEEK_S, bench_history
from app.bench.plain import compare_plain
from app.bench.process import process_age_s, rss_mb
from app.bench.soak import MemorySamples, warm_up_s
from stores.errors import StoreError

SETTLE_S = 1.0  # after every bed sweeps: the first chunks' backlog drawn, the timers steady


async def bench_window(bench: BenchStation, seconds: float) -> dict:
    """The figures of the live window, then of history."""
    figures = {"startup_ms": _startup_ms(bench)}
    await _until_sweeping(bench)
    figures |= await _measure_frames(bench, seconds)
    if bench.options is None or bench.options.compare:
        figures |= await compare_plain(bench, seconds, figures)
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
    return sum(tile.view().sweeping for tile in bench.tiles())


async def _until_sweeping(bench: BenchStation) -> None:
    beds = len(bench.patients)
    await until(lambda: sweeping_beds(bench) == beds, READY_LIMIT_S,
                f"every one of the {beds} beds sweeping its ECG")
    await asyncio.sleep(SETTLE_S)


async def _measure_frames(bench: BenchStation, seconds: float) -> dict:
    probes = [screen.paints for screen in bench.screens()]
    memory = MemorySamples(warm_up_s(seconds), excluded_mb=lambda: records_mb(probes)).start()
    with GcPauses() as gc_pauses:  # of the UI thread, which runs this loop
        figures = await measure_frames([(screen.paints, screen.grid.frame_widgets())
                                        for screen in bench.screens()], seconds)
    soak = await memory.stop()
    grid = bench.window.bed_grid
    return figures | {
        "windows": len(bench.screens()),
        "frame_timer_hz": round(1000.0 / max(1, grid.frame_timer.interval()), 1),
        "rss_mb": round(rss_mb(), 1),
        **gc_pauses.figures(),
        **soak,
        "sweeping_beds": sweeping_beds(bench),
    }


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

