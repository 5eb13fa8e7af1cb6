"""The sweep model the tiles and the selected bed's strips draw from: head moving with the clock,
wrapping, erase bar, samples placed by time, gaps, the signal's state (the columns a frame
changes: the trace layer's, tests/widgets/sweep/test_trace.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from widgets.sweep.model import NO_SIGNAL_S, Sweep

RATE = 250.0
PX_PER_MM = 96 / 25.4
PX_PER_S = 25 * PX_PER_MM  # 25 mm/s
WIDTH = 300.0
T0 = 1_750_000_000.0  # a multiple of the sweep's period is not needed: x comes from time alone


@pytest.fixture
def sweep() -> Sweep:
    sweep = Sweep(RATE, delay_s=0.5, erase_s=0.08)
    sweep.set_geometry(WIDTH, PX_PER_S)
    return sweep


def add(sweep: Sweep, start: float, seconds: float, values=None) -> None:
    count = round(seconds * RATE)
    sweep.add(start, np.full(count, 0.5) if values is None else values)


def xs_of(runs, width: float = WIDTH) -> np.ndarray:
    """Where samples are drawn on the strip. Runs reach one sample past the strip's edges (so
    lines run to the edge); those are left out here."""
    xs = np.concatenate([xs for xs, _ in runs]) if runs else np.empty(0)
    return xs[(xs >= 0) & (xs < width)]


def test_the_head_advances_at_25_mm_per_second_and_wraps(sweep):
    assert sweep.period == pytest.approx(WIDTH / PX_PER_S)
    x0 = sweep.head_x(T0)
    assert sweep.head_x(T0 + 0.5) == pytest.approx((x0 + 0.5 * PX_PER_S) % WIDTH)
    assert sweep.head_x(T0 + sweep.period) == pytest.approx(x0, abs=1e-3)
    # the head trails the clock by the delay
    assert sweep.head_x(T0) == pytest.approx(((T0 - 0.5) % sweep.period) * PX_PER_S)


def test_samples_land_where_their_time_puts_them(sweep):
    now = T0 + 10.0
    start = now - 2.0
    add(sweep, start, 1.0)
    runs = sweep.runs(now)
    xs = xs_of(runs)
    expected = ((start + np.arange(250) / RATE) % sweep.period) * PX_PER_S
    assert len(runs) in (1, 2)  # two where the second crosses the right edge
    assert np.allclose(np.sort(xs % WIDTH), np.sort(expected % WIDTH), atol=1e-3)


def test_the_chunk_timing_does_not_move_the_samples(sweep):
    now, start = T0 + 10.0, T0 + 8.0
    whole = Sweep(RATE, delay_s=0.5, erase_s=0.08)
    whole.set_geometry(WIDTH, PX_PER_S)
    add(whole, start, 1.0)
    for k in range(10):  # the same second in ten chunks arriving in any order
        add(sweep, start + (9 - k) * 0.1, 0.1)
    assert np.allclose(xs_of(sweep.runs(now)), xs_of(whole.runs(now)))


def test_nothing_ahead_of_the_head_is_shown(sweep):
    now = T0 + 10.0
    head = now - 0.5
    add(sweep, head - 1.0, 1.4)  # 0.4 s past the head already received
    xs = xs_of(sweep.runs(now))
    times_shown = len(xs)
    assert times_shown == pytest.approx(1.0 * RATE, abs=2)


def test_the_erase_bar_is_blank_just_ahead_of_the_head(sweep):
    now = T0 + 20.0
    add(sweep, now - 10.0, 10.0)  # more than a whole sweep of samples
    head_x = sweep.head_x(now)
    bar_from, bar_to = sweep.erase_span(now)
    assert bar_from == pytest.approx(head_x)
    assert bar_to - bar_from == pytest.approx(0.08 * PX_PER_S)
    xs = xs_of(sweep.runs(now)) % WIDTH
    ahead = (xs - head_x) % WIDTH  # distance ahead of the head, around the wrap
    assert ahead[ahead > 1e-3].min() >= 0.08 * PX_PER_S - 1 / RATE * PX_PER_S
    # and the rest of the strip is full: the bar is the only blank
    assert len(xs) == pytest.approx((sweep.period - 0.08) * RATE, abs=3)


def test_nan_is_a_gap_not_a_line(sweep):
    now = T0 + 10.0
    values = np.full(250, 0.4)
    values[100:150] = np.nan
    add(sweep, now - 2.0, 1.0, values)
    runs = sweep.runs(now)
    valid = [xs for xs, mv in runs]
    assert all(np.isfinite(mv).all() for _, mv in runs)
    assert len(xs_of(runs)) == 200
    gap_x = (((now - 2.0 + np.arange(101, 149) / RATE) % sweep.period) * PX_PER_S)
    for xs in valid:  # no run spans the gap: no line is drawn across it
        assert not ((xs.min() < gap_x.min()) & (xs.max() > gap_x.max()))


def test_a_missing_chunk_is_a_gap(sweep):
    now = T0 + 10.0
    add(sweep, now - 2.0, 0.25)
    add(sweep, now - 1.5, 0.25)  # 1.75 .. 1.5 never arrived
    assert len([r for r in sweep.runs(now) if len(r[0]) > 1]) >= 2


def test_signal_says_live_leads_off_or_nothing(sweep):
    now = T0 + 10.0
    assert sweep.signal(now) == "none"
    add(sweep, now - 1.0, 0.25, np.full(62, np.nan))
    assert sweep.signal(now) == "invalid"
    add(sweep, now - 0.75, 0.25)
    assert sweep.signal(now) == "live"
    assert sweep.signal(now + 10) == "none"


def test_a_wider_strip_keeps_the_samples(sweep):
    now = T0 + 10.0
    add(sweep, now - 3.0, 2.5)
    before = len(xs_of(sweep.runs(now)))
    sweep.set_geometry(WIDTH * 3, PX_PER_S)
    assert len(xs_of(sweep.runs(now), 3 * WIDTH)) >= before
    assert math.isclose(sweep.period, 3 * WIDTH / PX_PER_S)


def test_chunk_starts_a_hair_off_the_sample_grid_join_without_a_gap(sweep):
    now = T0 + 10.0
    start = now - 3.0
    add(sweep, start, 0.248)  # 62 samples
    add(sweep, start + (62 - 0.3) / RATE, 0.248)  # a start rounded down: still sample 62
    add(sweep, start + 124 / RATE, 0.248)
    runs = [r for r in sweep.runs(now) if len(r[0]) > 1]
    # nearest sample: one run of the 186 samples; floor would have put the second chunk one
    # sample early, over the first's last sample, and left a gap before the third
    assert [len(xs) for xs, _ in runs] == [186]


def test_the_strip_says_no_signal_once_the_head_is_past_the_last_sample_by_the_limit(sweep):
    add(sweep, T0, 1.0)
    newest = T0 + 1.0 - 1 / RATE
    assert sweep.signal(newest + sweep.delay_s + NO_SIGNAL_S - 0.01) == "live"
    assert sweep.signal(newest + sweep.delay_s + NO_SIGNAL_S + 0.01) == "none"
