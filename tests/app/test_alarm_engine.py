"""The alarm engine: one alarm per crossing held for its delay, cleared on recovery, blind to
missing values; ward and patient limits."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.alarms.engine import AlarmEngine
from app.alarms.rules import DEFAULT_RULES, AlarmRule, limits_of, with_limits
from stores.model import AlarmLimits, Patient, Priority, Vital, VitalSample

T0 = 1_750_000_000.0
ADA = Patient("p-ada", "north", "north-1", "N100001", "Ada", "Okafor", date(1950, 3, 1),
              bed_id="north-1-01")
BEN = Patient("p-ben", "north", "north-1", "N100002", "Ben", "Walsh", date(1960, 5, 2),
              bed_id="north-1-01")
NORMAL = dict(heart_rate=80, spo2=97, resp_rate=16, nibp_sys=120, nibp_dia=70, nibp_mean=87,
              temperature=36.9)


def sample(second: float, bed: str = "north-1-01", **values) -> VitalSample:
    return VitalSample(bed, T0 + second, **(NORMAL | values))


# Most tests are about crossings, not delays: the default rules with no delay.
IMMEDIATE = tuple(dataclasses.replace(rule, delay_s=0) for rule in DEFAULT_RULES)


@pytest.fixture
def engine():
    now = [T0]
    beds = {"north-1-01": ADA, "north-1-02": None}
    return AlarmEngine("north", "north-1", beds, clock=lambda: now[0], rules=IMMEDIATE)


def delayed_engine(patient: Patient = ADA) -> AlarmEngine:
    return AlarmEngine("north", "north-1", {"north-1-01": patient}, clock=lambda: T0)


def test_a_crossing_raises_one_alarm_with_the_patient_and_the_limit(engine):
    raised = engine.evaluate([sample(0, spo2=86)])
    assert len(raised) == 1
    alarm = raised[0]
    assert (alarm.region, alarm.ward, alarm.bed_id) == ("north", "north-1", "north-1-01")
    assert (alarm.patient_id, alarm.patient_name) == ("p-ada", "Ada Okafor")
    assert (alarm.priority, alarm.condition, alarm.vital) == (Priority.HIGH, "SpO\u2082 low", Vital.SPO2)
    assert (alarm.value, alarm.limit, alarm.raised_at) == (86, 90, T0)
    assert alarm.condition_active and not alarm.acknowledged


def test_a_lasting_violation_raises_only_once_and_clears_on_recovery(engine):
    first = engine.evaluate([sample(0, spo2=86)])
    assert engine.evaluate([sample(1, spo2=84)]) == []
    assert engine.evaluate([sample(2, spo2=85)]) == []
    cleared = engine.evaluate([sample(3, spo2=96)])
    assert [a.id for a in cleared] == [first[0].id]
    assert cleared[0].cleared_at == T0 + 3 and cleared[0].raised_at == T0
    assert engine.open_alarms() == []


def test_a_second_crossing_raises_a_new_alarm(engine):
    first = engine.evaluate([sample(0, heart_rate=130)])
    engine.evaluate([sample(1, heart_rate=90)])
    second = engine.evaluate([sample(2, heart_rate=131)])
    assert len(second) == 1 and second[0].id != first[0].id


def test_a_value_wavering_at_the_limit_does_not_clear(engine):
    engine.evaluate([sample(0, heart_rate=125)])
    assert engine.evaluate([sample(1, heart_rate=119)]) == []  # inside by less than 3 bpm
    assert len(engine.evaluate([sample(2, heart_rate=116)])) == 1


def test_the_limit_itself_is_normal(engine):
    assert engine.evaluate([sample(0, spo2=90, heart_rate=120, temperature=38.5)]) == []


def test_missing_values_neither_raise_nor_clear(engine):
    assert engine.evaluate([sample(0, spo2=None)]) == []
    engine.evaluate([sample(1, spo2=85)])
    assert engine.evaluate([sample(2, spo2=None)]) == []
    assert engine.evaluate([sample(3, spo2=float("nan"))]) == []
    assert len(engine.open_alarms()) == 1


def test_each_rule_of_a_bed_has_its_own_alarm(engine):
    raised = engine.evaluate([sample(0, heart_rate=160)])
    assert sorted(a.condition for a in raised) == ["HR extreme high", "HR high"]
    assert {a.priority for a in raised} == {Priority.MEDIUM, Priority.HIGH}
    cleared = engine.evaluate([sample(1, heart_rate=130)])
    assert [a.condition for a in cleared] == ["HR extreme high"]


def test_hypotension_raises_systolic_and_mean_alarms(engine):
    raised = engine.evaluate([sample(0, nibp_sys=82, nibp_dia=48, nibp_mean=59)])
    assert {(a.condition, a.priority) for a in raised} == {
        ("NIBP sys low", Priority.MEDIUM), ("NIBP mean low", Priority.HIGH)}


def test_beds_are_independent_and_other_wards_are_ignored(engine):
    raised = engine.evaluate([sample(0, spo2=85), sample(0, "north-1-02", spo2=85),
                              sample(0, "south-2-01", spo2=85)])
    assert sorted(a.bed_id for a in raised) == ["north-1-01", "north-1-02"]
    assert next(a for a in raised if a.bed_id == "north-1-02").patient_name == ""


def test_a_new_patient_in_the_bed_clears_the_old_patients_alarms(engine):
    raised = engine.evaluate([sample(0, spo2=85)])
    cleared = engine.update_patients({"north-1-01": BEN, "north-1-02": None})
    assert [(a.id, a.cleared_at) for a in cleared] == [(raised[0].id, T0)]
    assert engine.evaluate([sample(1, spo2=85)])[0].patient_name == "Ben Walsh"


def test_unchanged_patients_keep_their_alarms(engine):
    engine.evaluate([sample(0, spo2=85)])
    assert engine.update_patients({"north-1-01": ADA, "north-1-02": None}) == []
    assert len(engine.open_alarms()) == 1


def test_default_rules_cover_all_three_priorities():
    assert {rule.priority for rule in DEFAULT_RULES} == set(Priority)


def test_a_rule_needs_exactly_one_limit():
    with pytest.raises(ValueError):
        AlarmRule(Vital.SPO2, Priority.HIGH, "odd", low=90, high=100)
    with pytest.raises(ValueError):
        AlarmRule(Vital.SPO2, Priority.HIGH, "odd")


def test_alarms_open_from_an_earlier_run_are_continued_not_raised_again(engine):
    earlier = AlarmEngine("north", "north-1", {"north-1-01": ADA}, clock=lambda: T0, rules=IMMEDIATE)
    open_before = earlier.evaluate([sample(0, spo2=86)])
    assert engine.adopt(open_before) == []
    assert engine.evaluate([sample(5, spo2=85)]) == []  # still true: no second alarm
    cleared = engine.evaluate([sample(6, spo2=97)])
    assert [a.id for a in cleared] == [open_before[0].id]


def test_an_earlier_alarm_of_someone_no_longer_in_the_bed_is_cleared(engine):
    earlier = AlarmEngine("north", "north-1", {"north-1-01": BEN}, clock=lambda: T0, rules=IMMEDIATE)
    open_before = earlier.evaluate([sample(0, spo2=86)])
    stale = engine.adopt(open_before)
    assert [a.id for a in stale] == [open_before[0].id]
    assert not stale[0].condition_active
    assert len(engine.evaluate([sample(1, spo2=86)])) == 1  # Ada's own alarm is new


def test_an_alarm_waits_for_its_condition_delay():
    engine = delayed_engine()  # SpO2 < 90 for 10 s is a high-priority alarm
    for second in range(10):
        assert engine.evaluate([sample(second, spo2=86)]) == [], second
    raised = engine.evaluate([sample(10, spo2=85)])
    assert [(a.condition, a.priority, a.raised_at) for a in raised] == [
        ("SpO\u2082 low", Priority.HIGH, T0 + 10)]


def test_a_violation_shorter_than_the_delay_raises_nothing():
    engine = delayed_engine()  # HR > 120 for 5 s is medium
    for second in range(4):
        assert engine.evaluate([sample(second, heart_rate=130)]) == []
    assert engine.evaluate([sample(4, heart_rate=100)]) == []  # back to normal: the wait restarts
    for second in range(5, 9):
        assert engine.evaluate([sample(second, heart_rate=130)]) == []
    assert [a.condition for a in engine.evaluate([sample(10, heart_rate=130)])] == ["HR high"]


def test_a_missing_value_or_two_does_not_restart_the_delay():
    engine = delayed_engine()
    for second in range(0, 10, 3):  # every third second valid, the others missing
        assert engine.evaluate([sample(second, spo2=85), sample(second + 1, spo2=None)]) == []
    assert len(engine.evaluate([sample(10, spo2=85)])) == 1


def test_a_long_gap_restarts_the_delay():
    # one low reading, the probe off for a minute, one more: not yet ten seconds of low SpO2
    engine = delayed_engine()
    engine.evaluate([sample(0, spo2=85)])
    assert engine.evaluate([sample(60, spo2=85)]) == []
    assert engine.evaluate([sample(69, spo2=85)]) == []  # the gap 60..69 > 3 s: again
    for second in range(70, 79):
        assert engine.evaluate([sample(second, spo2=85)]) == [], second
    assert len(engine.evaluate([sample(79, spo2=85)])) == 1


def test_a_patients_own_limits_replace_the_wards():
    copd = dataclasses.replace(ADA, alarm_limits=(AlarmLimits(Vital.SPO2, low=85, delay_s=0),))
    engine = delayed_engine(copd)
    assert engine.evaluate([sample(0, spo2=87)]) == []  # normal for this patient
    raised = engine.evaluate([sample(1, spo2=84)])
    assert [(a.limit, a.raised_at) for a in raised] == [(85, T0 + 1)]


def test_changed_limits_keep_the_open_alarm_and_judge_recovery_by_the_new_ones():
    engine = AlarmEngine("north", "north-1", {"north-1-01": ADA}, clock=lambda: T0, rules=IMMEDIATE)
    raised = engine.evaluate([sample(0, heart_rate=130)])
    relaxed = dataclasses.replace(ADA, alarm_limits=(AlarmLimits(Vital.HEART_RATE, high=140),))
    assert engine.update_patients({"north-1-01": relaxed}) == []  # same patient: still open
    cleared = engine.evaluate([sample(1, heart_rate=132)])  # normal under the new limit
    assert [a.id for a in cleared] == [raised[0].id]


def test_limits_leave_the_wards_safety_net_alone():
    rules = with_limits(DEFAULT_RULES, [AlarmLimits(Vital.HEART_RATE, low=40, high=160, delay_s=3)])
    by_condition = {rule.condition: rule for rule in rules}
    assert (by_condition["HR high"].high, by_condition["HR high"].delay_s) == (160, 3)
    assert (by_condition["HR low"].low, by_condition["HR low"].delay_s) == (40, 3)
    assert (by_condition["HR extreme high"].high, by_condition["HR extreme high"].delay_s) == (150, 2)
    assert limits_of(rules, Vital.HEART_RATE) == AlarmLimits(Vital.HEART_RATE, 40, 160, 3)
    assert limits_of(DEFAULT_RULES, Vital.SPO2) == AlarmLimits(Vital.SPO2, 90, None, 10)


def test_a_negative_delay_is_refused():
    with pytest.raises(ValueError, match="delay"):
        AlarmRule(Vital.SPO2, Priority.HIGH, "odd", low=90, delay_s=-1)


def test_values_no_sensor_can_report_raise_nothing(engine):
    assert engine.evaluate([sample(0, heart_rate=900, spo2=-3, temperature=80)]) == []
    assert engine.open_alarms() == []
