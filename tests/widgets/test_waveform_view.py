"""The selected bed's waveform strips: the sweep model drawn with pyqtgraph, level heads, gaps,
frames that touch only what changed, the signal's notices."""

from __future__ import annotations

import numpy as np
import pytest

from stores.model import Bed, Waveform, WaveformChunk
from widgets.bed_tile.tile import BedTile
from widgets.sweep.curves import SEGMENT_PX
from widgets.waveform_view import FRAME_MS, WaveformView

T0 = 1_750_000_000.0


@pytest.fixture
def now():
    return [T0 + 10.0]


@pytest.fixture
def view(qtbot, now):
    view = WaveformView(clock=lambda: now[0])
    qtbot.addWidget(view)
    view.resize(760, 200)
    view.show()
    qtbot.waitExposed(view)
    view.start()
    return view


def chunk(waveform: Waveform, start: float, seconds: float, value=0.5) -> WaveformChunk:
    count = round(seconds * waveform.rate_hz)
    return WaveformChunk("north-1-07", waveform, start, waveform.rate_hz, (value,) * count)


def column(view, waveform: Waveform, x: float) -> int:
    """The sample position of x on the strip (x itself carries rounding)."""
    sweep = view.strips[waveform].sweep
    return round(x * sweep.rate_hz / sweep.px_per_s)


def drawn(view, waveform: Waveform) -> dict[int, float]:
    """The points the strip's curves show, position -> y (a segment's edge sample once)."""
    points = {}
    for item in view.strips[waveform].items:
        if item.xData is not None:
            points.update((column(view, waveform, x), y)
                          for x, y in zip(item.xData, item.yData) if np.isfinite(y))
    return points


def shown_by_the_model(view, waveform: Waveform, at: float) -> dict[int, float]:
    runs = view.strips[waveform].sweep.runs(at)
    return {column(view, waveform, x): y for xs, ys in runs for x, y in zip(xs, ys)}


def test_live_curves_take_the_fast_path(view):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 9.0)])
    view.redraw()
    for curve in (item for strip in view.strips.values() for item in strip.items):
        assert curve.opts["pen"].width() == 1 and curve.opts["antialias"] is False
        assert curve.opts["connect"] == "finite"
    assert any(len(item.xData) and item.xData.dtype == np.float64
               for item in view.strips[Waveform.ECG_II].items)


def test_the_strips_draw_what_the_model_shows_gaps_included(view, now):
    values = [0.5] * 500
    values[100:150] = [float("nan")] * 50  # leads off
    view.add_chunks([WaveformChunk("north-1-07", Waveform.ECG_II, T0 + 4.0, 250.0, tuple(values)),
                     chunk(Waveform.ECG_II, T0 + 7.0, 2.0),  # 6..7 s never came
                     chunk(Waveform.PLETH, T0 + 5.0, 4.0, 0.8)])
    view.redraw()
    for waveform in Waveform:
        assert drawn(view, waveform) == shown_by_the_model(view, waveform, now[0])
    assert len(drawn(view, Waveform.ECG_II)) > 500
    ecg = view.strips[Waveform.ECG_II].sweep
    gap = column(view, Waveform.ECG_II, ((T0 + 4.5) % ecg.period) * ecg.px_per_s)  # a NaN sample
    assert gap not in drawn(view, Waveform.ECG_II)


def test_chunks_are_drawn_by_the_next_frame_not_one_by_one(qtbot, view, now):
    view.redraw()
    view.add_chunks([chunk(Waveform.ECG_II, now[0] - 2.0, 1.0, value=0.7)])
    assert 0.7 not in drawn(view, Waveform.ECG_II).values()
    qtbot.waitUntil(lambda: 0.7 in drawn(view, Waveform.ECG_II).values(), timeout=FRAME_MS * 10)


def test_a_frame_gives_new_data_only_to_the_segments_it_changed(view, now):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 12.0)])
    view.redraw()
    strip = view.strips[Waveform.ECG_II]
    before = [item.yData for item in strip.items]
    now[0] += FRAME_MS / 1000
    view.redraw()
    changed = [i for i, item in enumerate(strip.items) if item.yData is not before[i]]
    assert 1 <= len(changed) <= 3 < len(strip.items)  # where the head wrote and the bar moved
    head = strip.sweep.head_x(now[0])
    assert int(head // SEGMENT_PX) in changed or head % SEGMENT_PX < 3
    assert drawn(view, Waveform.ECG_II) == shown_by_the_model(view, Waveform.ECG_II, now[0])


def test_a_chunk_that_comes_after_the_head_passed_its_time_is_drawn_where_it_belongs(view, now):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 8.0)])
    view.redraw()
    head = now[0] - view.strips[Waveform.ECG_II].sweep.delay_s
    view.add_chunks([chunk(Waveform.ECG_II, head - 1.0, 0.5, value=0.9)])  # late, behind the head
    now[0] += FRAME_MS / 1000
    view.redraw()
    assert 0.9 in drawn(view, Waveform.ECG_II).values()
    assert drawn(view, Waveform.ECG_II) == shown_by_the_model(view, Waveform.ECG_II, now[0])


def test_ecg_and_pleth_heads_stay_level(view, now):
    view.redraw()
    ecg, pleth = (view.strips[w].sweep for w in Waveform)
    assert ecg.width == pleth.width > 0
    for at in (now[0], now[0] + 3.7, now[0] + 11.1):
        assert ecg.head_x(at) == pytest.approx(pleth.head_x(at))


def test_the_strips_and_the_tiles_sweep_with_the_same_settings(qtbot, view):
    tile = BedTile(Bed("b1", "north", "north-1", "Bed 1", 1), 5.0, lambda: T0)
    qtbot.addWidget(tile)
    for strip in view.strips.values():
        assert (strip.sweep.delay_s, strip.sweep.erase_s) == (tile.ecg.sweep.delay_s,
                                                               tile.ecg.sweep.erase_s)


def test_a_strip_says_no_signal_or_leads_off_instead_of_its_speed(view, now):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 9.5)])
    view.redraw()
    assert "25 mm/s" in view.label(Waveform.ECG_II)
    assert "no signal" in view.label(Waveform.PLETH)
    view.add_chunks([chunk(Waveform.PLETH, T0 + 9.0, 0.5, float("nan"))])
    view.redraw()
    assert "sensor off" in view.label(Waveform.PLETH)
    now[0] = T0 + 14.0
    view.redraw()
    assert "no signal" in view.label(Waveform.ECG_II)


def test_stop_blanks_the_strips_and_the_sweep(view):
    view.add_chunks([chunk(Waveform.ECG_II, T0, 9.0)])
    view.redraw()
    view.stop()
    assert drawn(view, Waveform.ECG_II) == {}
    assert not view.sweeping()
