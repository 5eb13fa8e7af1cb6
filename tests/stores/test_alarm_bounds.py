"""The hard clinical bounds of alarm limits: refused beyond them, brought back to them when a
store holds something beyond them, and what counts as widening a patient's limit."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds, tightened
from stores.model import (
    AlarmLimits,
    Vital,
    alarm_limit_problems,
    clamped_limits,
    widenings,
)
from stores.patients.alarm_limits import limits_from_list


def test_every_vital_has_hard_bounds():
    assert set(HARD_BOUNDS) == {vital.value for vital in Vital}


@pytest.mark.parametrize("limits, words", [
    (AlarmLimits(Vital.SPO2, low=0), "SpO\u2082 low limit 0 % is below the clinical bound of 85 %"),
    (AlarmLimits(Vital.RESP_RATE, low=0), "RR low limit 0 /min is below the clinical bound of "
                                          "5 /min"),
    (AlarmLimits(Vital.HEART_RATE, low=20), "HR low limit 20 bpm is below the clinical bound "
                                            "of 30 bpm"),
    (AlarmLimits(Vital.HEART_RATE, high=250), "HR high limit 250 bpm is above the clinical "
                                              "bound of 180 bpm"),
    (AlarmLimits(Vital.SPO2, delay_s=120), "SpO\u2082 alarm delay 120 s is beyond the bound: "
                                           "it must be between 0 and 30 s"),
    (AlarmLimits(Vital.SPO2, low=math.nan), "SpO\u2082 low limit must be between 0 and 100 %"),
])
def test_limits_that_could_silence_an_alarm_are_refused_naming_vital_value_and_bound(limits,
                                                                                     words):
    problems = alarm_limit_problems((limits,))
    assert [p.field for p in problems] == [f"alarm_limits.{limits.vital.value}"]
    assert words in problems[0].message


def test_limits_at_the_bounds_are_allowed():
    at_bounds = (AlarmLimits(Vital.SPO2, low=85, delay_s=30),
                 AlarmLimits(Vital.HEART_RATE, low=30, high=180, delay_s=15))
    assert alarm_limit_problems(at_bounds) == []


def test_tighter_bounds_refuse_more():
    bounds = dict(HARD_BOUNDS) | {"spo2": AlarmBounds(low=88.0, high=100.0, delay_s=15.0)}
    problems = alarm_limit_problems((AlarmLimits(Vital.SPO2, low=86, delay_s=20),), bounds)
    assert "below the clinical bound of 88 %" in problems[0].message
    assert "between 0 and 15 s" in problems[1].message


def test_a_station_may_only_tighten_the_bounds():
    hard = HARD_BOUNDS["spo2"]
    assert tightened(hard, AlarmBounds(low=88, delay_s=10), "spo2") == AlarmBounds(88, 100, 10)
    for relaxed in (AlarmBounds(low=80), AlarmBounds(delay_s=60), AlarmBounds(high=101)):
        with pytest.raises(ValueError, match="would relax the hard bound"):
            tightened(hard, relaxed, "spo2")


parts = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                  st.integers(-1000, 1000).map(float))


@given(vital=st.sampled_from(list(Vital)), low=parts, high=parts, delay=parts)
def test_limits_brought_within_the_bounds_are_never_beyond_them(vital, low, high, delay):
    (kept,), _changed = clamped_limits((AlarmLimits(vital, low, high, delay),))
    bounds_problems = [p for p in alarm_limit_problems((kept,)) if "must be below" not in p.message]
    assert bounds_problems == []


@given(vital=st.sampled_from(list(Vital)), low=parts, high=parts, delay=parts)
def test_accepted_limits_are_within_the_bounds(vital, low, high, delay):
    limits = AlarmLimits(vital, low, high, delay)
    if not alarm_limit_problems((limits,)):
        assert clamped_limits((limits,)) == ((limits,), [])


def test_stored_limits_beyond_the_bounds_apply_at_the_bound_and_are_logged(caplog):
    stored = [{"vital": "spo2", "low": 0, "delay_s": 120},
              {"vital": "resp_rate", "low": 0.0, "high": "lots"},
              {"vital": "heart_rate", "low": 40, "high": 130}]
    limits = limits_from_list(stored, "p-ada")
    assert limits == (AlarmLimits(Vital.SPO2, 85, None, 30), AlarmLimits(Vital.RESP_RATE, 5),
                      AlarmLimits(Vital.HEART_RATE, 40, 130))
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 2 and all("p-ada" in text for text in warned)
    assert "SpO\u2082 0\u2013- %, 120 s \u2192 SpO\u2082 85\u2013- %, 30 s" in warned[0]
    assert limits_from_list([{"vital": "spo2", "low": 10**400}]) == (AlarmLimits(Vital.SPO2),)


stored_values = st.one_of(st.none(), st.booleans(), st.text(max_size=5),
                          st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                          st.lists(st.integers(), max_size=2))
stored_items = st.one_of(
    st.fixed_dictionaries({"vital": st.sampled_from([v.value for v in Vital] + ["spo3", 7])},
                          optional={"low": stored_values, "high": stored_values,
                                    "delay_s": stored_values}),
    stored_values)


@given(items=st.one_of(stored_values, st.lists(stored_items, max_size=6)))
def test_whatever_a_server_holds_reads_as_limits_within_the_bounds(items):
    limits = limits_from_list(items, "p-any")
    problems = [p for p in alarm_limit_problems(limits)
                if "must be below" not in p.message and "two sets" not in p.message]
    assert problems == []


WARD = {Vital.SPO2: AlarmLimits(Vital.SPO2, 90, None, 10),
        Vital.HEART_RATE: AlarmLimits(Vital.HEART_RATE, 45, 120, 5)}


def test_a_limit_wider_than_the_wards_default_is_a_widening_once():
    copd = (AlarmLimits(Vital.SPO2, low=86, delay_s=15),)
    found = widenings((), copd, WARD)
    assert [w.describe() for w in found] == ["SpO\u2082 low limit ward \u2192 86 % (ward 90 %)",
                                             "SpO\u2082 alarm delay ward \u2192 15 s (ward 10 s)"]
    assert widenings(copd, copd, WARD) == []  # already so: saving other fields asks nothing
    further = (AlarmLimits(Vital.SPO2, low=85, delay_s=15),)
    assert [w.describe() for w in widenings(copd, further, WARD)] == [
        "SpO\u2082 low limit 86 \u2192 85 % (ward 90 %)"]


def test_a_tighter_limit_is_no_widening():
    tighter = (AlarmLimits(Vital.SPO2, low=92, delay_s=5),
               AlarmLimits(Vital.HEART_RATE, low=50, high=110))
    assert widenings((), tighter, WARD) == []
    assert [w.part for w in widenings((), (AlarmLimits(Vital.HEART_RATE, high=130),), WARD)] \
        == ["high"]
