"""The tiles' trace layer: drawn a few columns a frame it equals the layer drawn whole, pixel for
pixel, whatever the chunks (late, lost, out of order, leads off), whenever their columns are
worked out, and whatever the frames (60 a second, a stall, a jump); and a column shows the rows
its line covers."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hypothesis_profiles import examples
from widgets.sweep.model import Sweep
from widgets.sweep.trace import TraceLayer

RATE = 250.0
PX_PER_S = 25 * 96 / 25.4  # 25 mm/s at 96 dpi
T0 = 1_750_000_000.0
COLOUR = 0xFF00FF00


def layer_of(sweep: Sweep, rows: int, baseline: float, gain: float) -> TraceLayer:
    return TraceLayer(sweep, np.zeros((rows, round(sweep.width)), np.uint32), COLOUR, baseline, gain)


def a_sweep(width: int) -> Sweep:
    sweep = Sweep(RATE, delay_s=0.75, erase_s=0.12)
    sweep.set_geometry(width, PX_PER_S)
    return sweep


chunk = st.tuples(
    st.integers(1, 90),  # samples
    st.sampled_from(["live", "live", "live", "leads off", "lost"]),
    st.sampled_from([0.0, 0.0, 0.0, 0.05, 0.4, 1.2, 3.0]),  # arrives this late, s
)
frame_step = st.sampled_from([1 / 60, 1 / 60, 1 / 60, 1 / 30, 0.0, 0.004, 0.3, 2.5])


@settings(max_examples=examples(0.5), deadline=None)
@given(width=st.integers(24, 260), rows=st.integers(6, 60), seed=st.integers(0, 2**32 - 1),
       chunks=st.lists(chunk, min_size=5, max_size=60), steps=st.lists(frame_step, min_size=10, max_size=80))
def test_drawn_a_few_columns_a_frame_the_layer_equals_the_layer_drawn_whole(
        width, rows, seed, chunks, steps):
    rng = np.random.default_rng(seed)
    sweep = a_sweep(width)
    layer = layer_of(sweep, rows, rows * 0.68, rows / 2.2)
    number, arriving, now = math.floor(T0 * RATE), [], T0
    for count, kind, late in chunks:  # the monitor's stream: each chunk where the last ended
        values = rng.normal(0.0, 0.8, count)
        if kind == "leads off":
            values[rng.integers(0, count):] = np.nan
        if kind != "lost":
            arriving.append(((number + count) / RATE + late, number, values))
        number += count
    for step in steps:
        now += step
        due = [a for a in arriving if a[0] <= now]
        arriving = [a for a in arriving if a[0] > now]
        for _, first, values in sorted(due, key=lambda a: rng.random()):  # in any order
            kept = sweep.add(first / RATE, values)
            if kept is not None:
                layer.add(*kept)
        if due and rng.random() < 0.5:  # the grid's share of the tiles this frame; or the frame
            layer.catch_up()
        layer.advance(now)
        whole = layer_of(sweep, rows, rows * 0.68, rows / 2.2)
        whole.draw_all(sweep.head(now))
        assert np.array_equal(layer.pixels, whole.pixels)


def lit_rows(layer: TraceLayer, column: int) -> np.ndarray:
    return np.flatnonzero(layer.pixels[:, column] == COLOUR)


def test_a_column_shows_the_rows_its_line_covers_a_gap_none():
    sweep = a_sweep(200)
    layer = layer_of(sweep, 40, 30.0, 10.0)  # value v at row 30 - 10 v
    head = math.floor(T0 / sweep.period) * sweep.period + 0.9 * sweep.period
    start = head - 0.8 * sweep.period
    values = np.zeros(round(0.6 * sweep.period * RATE))
    values[50] = 2.0  # a spike to row 10
    values[100:141] = np.nan  # leads off
    values[141] = 1.0  # one sample alone between gaps: a point at row 20
    values[142:170] = np.nan
    sweep.add(start, values)
    layer.draw_all(head)

    def column_of(index: int) -> int:
        return math.floor(((start + index / RATE) - math.floor(head / sweep.period) * sweep.period)
                          * layer.columns / sweep.period)

    assert list(lit_rows(layer, column_of(20))) == [30]  # the baseline
    spike = np.concatenate([lit_rows(layer, c) for c in range(column_of(49), column_of(51) + 1)])
    assert spike.min() == 10 and set(range(10, 31)) <= set(spike)  # the line up and down again
    assert all(len(lit_rows(layer, c)) == 0 for c in range(column_of(101) + 1, column_of(139)))
    assert list(lit_rows(layer, column_of(141))) == [20]


def test_the_erase_bar_is_blank_and_the_head_writes_behind_it():
    sweep = a_sweep(200)
    layer = layer_of(sweep, 30, 20.0, 10.0)
    now = T0 + 30.0
    sweep.add(now - 10.0, np.full(round(10.0 * RATE), 0.5))  # a flat line at row 15
    layer.advance(now)
    layer.advance(now + 0.3)
    head_x = sweep.head_x(now + 0.3)
    bar = [x % 200 for x in range(math.ceil(head_x) + 1, math.floor(head_x + 0.12 * PX_PER_S))]
    assert not layer.pixels[:, bar].any()
    behind = [x % 200 for x in range(math.floor(head_x) - 30, math.floor(head_x) - 1)]
    assert (layer.pixels[15, behind] == COLOUR).all()


def test_a_frame_changes_only_the_columns_the_head_and_bar_passed():
    sweep = a_sweep(200)
    layer = layer_of(sweep, 30, 20.0, 10.0)
    now = T0 + 30.0
    assert layer.advance(now) == [(0, 200)]  # the first frame: the whole strip
    changed = layer.advance(now + 1 / 30)
    assert sum(c1 - c0 for c0, c1 in changed) <= math.ceil((1 / 30 + 0.12) * PX_PER_S) + 2
    assert layer.advance(now + 60.0) == [(0, 200)]  # after a long pause: all again
