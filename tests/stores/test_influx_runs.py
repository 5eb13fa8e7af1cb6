"""Which minutes one rollup query counts (stores.vitals.influx.rollup.runs): every touched
minute exactly once, neighbours together, and never more than RUN_MOST_MINUTES in one query
(a day in one query outlasted the read timeout on a loaded machine)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stores.vitals.influx.rollup import RUN_GAP_MINUTES, RUN_MOST_MINUTES, runs

touched = st.sets(st.tuples(st.sampled_from(["b1", "b2", "b3"]),
                            st.integers(min_value=0, max_value=3 * 1440)), max_size=400)


def test_a_backfilled_day_of_a_bed_is_counted_in_quarters():
    day = {("b1", minute) for minute in range(1440)}
    assert [(first, end) for first, end, _ in runs(day)] == [
        (0, 360), (360, 720), (720, 1080), (1080, 1440)]


@given(touched)
def test_every_touched_minute_is_in_one_run_of_its_bed_and_runs_are_bounded(minutes):
    found = runs(minutes)
    for first, end, beds in found:
        assert 0 < end - first <= RUN_MOST_MINUTES
        assert beds == sorted(set(beds))
    for bed, minute in minutes:
        assert sum(first <= minute < end and bed in beds for first, end, beds in found) == 1
    # neighbours share a query unless the bound splits them
    for (_, end, _), (first, next_end, _) in zip(found, found[1:]):
        assert first >= end and (first - end >= RUN_GAP_MINUTES - 1 or
                                 next_end - first <= RUN_MOST_MINUTES)
