"""`bench window`'s comparison with the plain pyqtgraph grid, its two-window layout for more than
32 beds, and the soak's memory growth: the parts, without running the benchmark."""

from __future__ import annotations

import numpy as np
import pytest

from app.bench import ward
from app.bench.frame_rate import frame_figures, records_mb
from app.bench.harness import bench_config
from app.bench.plain import KEEP_S, PlainGrid, PlainTrace, _compared
from app.bench.soak import MIN_SPAN_S, MemorySamples, growth_per_h, warm_up_s
from app.cli import parse_args
from stores.model import Waveform, WaveformChunk
from tests.app.qasync_helpers import run_on_qt_loop


def test_the_growth_is_the_least_squares_slope_per_hour_not_last_minus_first():
    times = [0.0, 60.0, 120.0, 180.0]
    assert growth_per_h(times, [100.0, 101.0, 102.0, 103.0]) == pytest.approx(60.0)
    # a collection's drop at the end weighs as one sample of four; last minus first would
    # make it the whole figure (-10 MB/h)
    assert growth_per_h(times, [100.0, 101.0, 102.0, 99.5]) == pytest.approx(-3.0)
    with pytest.raises(ValueError, match="two different times"):
        growth_per_h([5.0, 5.0], [1.0, 2.0])


def test_the_warm_up_is_a_third_of_the_run_from_a_minute_to_the_charts_ten():
    assert [warm_up_s(s) for s in (20, 180, 300, 1800, 7200)] == [60, 60, 100, 600, 600]


def test_a_short_run_reports_no_growth_and_a_long_one_does(qapp):
    async def sampled(every_s: float, seconds: float) -> tuple[dict, int]:
        import asyncio

        samples = MemorySamples(every_s=every_s, warm_up_s=0.0).start()
        await asyncio.sleep(seconds)
        figures = await samples.stop()
        return figures, len(samples.times_s)

    figures, count = run_on_qt_loop(sampled(0.01, 0.2))
    assert count >= 2 and figures == {}  # samples, but a span far below MIN_SPAN_S
    samples = MemorySamples()
    samples.times_s = [0.0, MIN_SPAN_S / 2, MIN_SPAN_S]
    samples.values_mb = [200.0, 200.0, 200.5]
    figures = run_on_qt_loop(samples.stop())
    assert figures == {"rss_growth_mb_per_h": round(growth_per_h(
        samples.times_s, samples.values_mb), 2), "rss_growth_samples": 3}


def test_two_windows_report_the_slower_ones_rate_and_every_frame():
    fast = [i / 60 for i in range(61)]  # 60 frames a second for a second
    slow = [i / 30 for i in range(31)]
    figures = frame_figures([fast, slow], [1.0, 2.0, 3.0], measured_s=1.0)
    assert figures["fps"] == 31.0 and figures["frames"] == 92
    assert figures["frame_ms_p50"] == pytest.approx(1000 / 60, abs=0.01)  # most are the fast's
    assert figures["frame_ms_max"] == pytest.approx(1000 / 30, abs=0.01)
    assert figures["paint_ms_p50"] == 2.0


def test_more_than_32_beds_are_benched_on_two_windows_as_a_station_shows_them(tmp_path):
    assert bench_config(None, tmp_path, "vitals", beds=64).second_ward == ward.WARD
    assert bench_config(None, tmp_path, "vitals", beds=32).second_ward is None


def test_no_compare_skips_the_plain_grid():
    assert parse_args(["bench"]).compare is True
    assert parse_args(["bench", "--no-compare"]).compare is False


def chunk(start: float, values: list[float]) -> WaveformChunk:
    return WaveformChunk("bed-1", Waveform.ECG_II, start, 4.0, tuple(values))


def test_a_plain_trace_keeps_its_last_seconds_once_each():
    trace = PlainTrace()
    trace.add(chunk(0.0, [1, 2, 3, 4]))
    trace.add(chunk(1.0, [5, 6, 7, 8]))
    trace.add(chunk(1.0, [5, 6, 7, 8]))  # sent again: not twice
    assert list(trace.values) == [1, 2, 3, 4, 5, 6, 7, 8]
    trace.add(chunk(3.0, [13]))
    trace.add(chunk(2.0, [9, 10, 11, 12]))  # late: in its place, the later one kept
    assert list(trace.values) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    trace = PlainTrace()
    trace.add(chunk(0.0, [1, 2, 3, 4]))
    trace.add(chunk(1.0, [5, 6, 7, 8]))
    assert trace.spans() == pytest.approx(1.75)
    trace.add(chunk(KEEP_S + 1.5, [9.0]))
    assert list(trace.times) == [1.5, 1.75, KEEP_S + 1.5]  # nothing older than KEEP_S


def test_the_plain_grid_sets_each_curve_to_what_its_plot_is_wide(qtbot):
    now = 100.0
    grid = PlainGrid(["bed-1", "bed-2"], 2, speed_px_s=100.0, clock=lambda: now)
    qtbot.addWidget(grid)
    grid.resize(420, 100)
    grid.show()
    qtbot.waitExposed(grid)
    grid.add_waveforms({"bed-1": [chunk(90.0 + i, [0.5] * 4) for i in range(10)],
                        "elsewhere": [chunk(90.0, [1.0])]})
    grid.draw()
    span = grid.span_s("bed-1")
    assert span == pytest.approx(grid.plots["bed-1"].width() / 100.0)
    x, y = grid._curves["bed-1"].getData()
    assert x[0] >= -span and x[-1] <= 0.0 and set(y) == {0.5}
    assert np.all(np.diff(x) > 0)
    assert grid._curves["bed-2"].getData()[0] is None or len(grid._curves["bed-2"].getData()[0]) == 0
    assert not grid.filled()  # bed-2 has nothing yet


def test_the_ratios_are_ours_over_the_plain_grids():
    figures = _compared({"fps": 54.0, "cpu_percent": 90.0},
                        {"fps": 18.0, "cpu_percent": 100.0, "paint_ms_p50": 1.0, "frames": 5},
                        beds=32)
    assert figures["fps_ratio"] == 3.0
    assert figures["cpu_per_bed_percent"] == round(90 / 32, 2)
    assert figures["cpu_per_bed_ratio"] == 0.9
    assert figures["cpu_per_bed_frame_ratio"] == 0.3  # (90 / 54) / (100 / 18)
    assert figures["plain_fps"] == 18.0 and figures["plain_frames"] == 5
    assert "plain_paint_ms_p50" not in figures  # one pass per plot: not a frame's paint


def test_the_benchs_own_records_of_frames_are_left_out_of_the_growth(qapp):
    class Probe:  # a WindowPaints' records
        frame_ends = [0.5] * 3000
        frame_paint_ms = [1.0] * 3000

    assert records_mb([Probe(), Probe()]) == pytest.approx(12000 * 32 / 2**20)

    async def sampled() -> list[float]:
        import asyncio

        samples = MemorySamples(every_s=0.01, warm_up_s=0.0, excluded_mb=lambda: 1000.0)
        samples.start()
        await asyncio.sleep(0.05)
        await samples.stop()
        return samples.values_mb

    assert all(value < 0 for value in run_on_qt_loop(sampled()))  # RSS less 1000 MB
