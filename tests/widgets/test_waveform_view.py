"""The selected bed's waveform strips: a sweep that advances, gaps, erase bar, throttled frames."""

from __future__ import annotations

import numpy as np
import pytest

from stores.model import Waveform, WaveformChunk
from widgets.waveform_sweep import Sweep
from widgets.waveform_view import ERASE_S, FRAME_MS, WaveformView

T0 = 1_750_000_000.0  # a whole number of seconds: sample k of a 250 Hz strip is at T0 + k/250
RATE = 250.0
WINDOW_S = 4.0
COUNT = int(WINDOW_S * RATE)


def ramp(sweep: Sweep, start: float, seconds: float) -> np.ndarray:
    """Give the sweep a ramp whose value is the sample's time after T0: easy to place."""
    times = start + np.arange(int(seconds * RATE)) / RATE
    sweep.add(start, times - T0)
    return times - T0


def test_a_sample_lands_where_the_sweep_passes_and_the_head_advances():
    sweep = Sweep(RATE)
    ramp(sweep, T0, 10.0)
    _, y = sweep.frame(T0 + 5.0, WINDOW_S, erase_s=0.0)
    head = int((T0 + 5.0) * RATE) % COUNT
    assert y[head] == pytest.approx(5.0)  # the newest sample is under the head
    assert y[head - 1] == pytest.approx(5.0 - 1 / RATE)  # the one before, just left of it
    assert y[(head + 1) % COUNT] == pytest.approx(5.0 - WINDOW_S + 1 / RATE)  # oldest, right
    assert sweep.head_x(T0 + 5.5, WINDOW_S) == pytest.approx(sweep.head_x(T0 + 5.0, WINDOW_S) + 0.5)


def test_the_erase_bar_blanks_what_the_head_reaches_next():
    sweep = Sweep(RATE)
    ramp(sweep, T0, 10.0)
    _, y = sweep.frame(T0 + 5.0, WINDOW_S, erase_s=0.2)
    head = int((T0 + 5.0) * RATE) % COUNT
    ahead = [(head + i) % COUNT for i in range(1, int(0.2 * RATE) + 1)]
    assert np.isnan(y[ahead]).all()
    assert np.isfinite(y[(head + int(0.2 * RATE) + 1) % COUNT])
    assert np.isfinite(y[head])


def test_nan_and_missing_samples_are_gaps():
    sweep = Sweep(RATE)
    values = ramp(sweep, T0, 2.0)
    values[100:150] = np.nan  # leads off
    sweep.add(T0, values)
    sweep.add(T0 + 3.0, np.ones(250))  # nothing came for 2..3 s
    x, y = sweep.frame(T0 + 3.99, WINDOW_S, erase_s=0.0)
    assert x.dtype == np.float64 and len(x) == len(y) == COUNT
    assert np.isnan(y[100:150]).all() and np.isfinite(y[:100]).all()
    assert np.isnan(y[int(2.0 * RATE):int(3.0 * RATE)]).all()


def test_a_chunk_ahead_of_the_head_is_not_drawn_before_its_time():
    sweep = Sweep(RATE)
    ramp(sweep, T0, 3.0)
    ramp(sweep, T0 + 3.0, 0.5)  # arrived early: the head is still at 3 s
    _, y = sweep.frame(T0 + 2.999, WINDOW_S, erase_s=0.0)
    assert np.nanmax(y) < 3.0


def test_strips_with_different_rates_share_one_sweep():
    ecg, pleth = Sweep(250.0), Sweep(125.0)
    assert ecg.head_x(T0 + 7.3, 8.48) == pytest.approx(pleth.head_x(T0 + 7.3, 8.48), abs=0.01)


# --- the view ---------------------------------------------------------------------------------


@pytest.fixture
def now():
    return [T0 + 10.0]


@pytest.fixture
def view(qtbot, now):
    view = WaveformView(clock=lambda: now[0], delay_s=1.0)
    qtbot.addWidget(view)
    view.resize(760, 200)
    view.show()
    qtbot.waitExposed(view)
    view.start()
    return view


def chunk(waveform: Waveform, start: float, seconds: float, value=0.5) -> WaveformChunk:
    count = int(seconds * waveform.rate_hz)
    return WaveformChunk("north-1-07", waveform, start, waveform.rate_hz, (value,) * count)


def drawn(view, waveform: Waveform) -> np.ndarray:
    """What the strip's curves show, left to right (each segment's edge sample once)."""
    items = view.curves[waveform].items
    ys = [item.yData if i == 0 else item.yData[1:] for i, item in enumerate(items)]
    return np.concatenate(ys) if ys else np.array([])


def test_live_curves_take_the_fast_path(view):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 9.0)])
    view.redraw()
    for curve in (item for strip in view.curves.values() for item in strip.items):
        assert curve.opts["pen"].width() == 1 and curve.opts["antialias"] is False
        assert curve.opts["connect"] == "finite" and curve.xData.dtype == np.float64


def test_chunks_are_drawn_by_the_next_frame_not_one_by_one(qtbot, view):
    view.redraw()
    view.add_chunks([chunk(Waveform.ECG_II, T0 + 8.0, 1.0, value=0.7)])
    assert not (drawn(view, Waveform.ECG_II) == 0.7).any()
    qtbot.waitUntil(lambda: (drawn(view, Waveform.ECG_II) == 0.7).any(), timeout=FRAME_MS * 10)


def test_the_sweep_is_25_mm_per_second(view):
    px_per_s = view.logicalDpiX() / 25.4 * 25.0
    assert view.window_s() == pytest.approx(view.plots[Waveform.ECG_II].vb.width() / px_per_s,
                                            abs=0.05)


def test_a_strip_without_recent_samples_says_no_signal(view, now):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 8.5)])
    view.redraw()
    assert "no signal" not in view.label(Waveform.ECG_II)
    assert "no signal" in view.label(Waveform.PLETH)
    now[0] = T0 + 14.0
    view.redraw()
    assert "no signal" in view.label(Waveform.ECG_II)


def test_stop_blanks_the_strips_and_the_sweep(view):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 9.0)])
    view.redraw()
    view.stop()
    assert len(drawn(view, Waveform.ECG_II)) == 0
    assert not view.sweeping()


def test_a_frame_gives_new_data_only_to_the_segments_it_changed(view, now):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 12.0)])
    view.redraw()
    strip = view.curves[Waveform.ECG_II]
    before = [item.yData for item in strip.items]
    now[0] += FRAME_MS / 1000
    view.redraw()
    changed = [i for i, item in enumerate(strip.items) if item.yData is not before[i]]
    assert 1 <= len(changed) <= 3 < len(strip.items)  # where the head wrote and the bar moved
    _, y = view.sweeps[Waveform.ECG_II].frame(now[0] - 1.0, view.window_s(), ERASE_S)
    assert np.array_equal(drawn(view, Waveform.ECG_II), y, equal_nan=True)  # the whole sweep
