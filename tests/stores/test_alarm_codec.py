"""The alarm codec: every field of an Alarm round-trips through JSON; a bad record is named."""

from __future__ import annotations

import json
import math
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stores.alarm_codec import (
    TEXT_LIMITS,
    AlarmRecordError,
    acknowledgement_from_dict,
    alarm_from_dict,
    alarm_to_dict,
    check_times,
)
from stores.model import Alarm, AlarmKind, Priority, Vital

FULL = Alarm(
    id="a1",
    region="north",
    ward="north-1",
    bed_id="north-1-01",
    patient_id="p1",
    patient_name="Ada Lovelace",
    priority=Priority.HIGH,
    condition="HR high",
    raised_at=100.5,
    kind=AlarmKind.PHYSIOLOGICAL,
    vital=Vital.HEART_RATE,
    value=151.0,
    limit=140.0,
    acknowledged_by="nurse.kim",
    acknowledged_at=110.0,
    cleared_at=120.0,
)
BARE = Alarm("t1", "north", "north-1", "north-1-02", None, "", Priority.LOW, "Leads off", 5.0,
             kind=AlarmKind.TECHNICAL)


@pytest.mark.parametrize("alarm", [FULL, BARE], ids=["full", "bare"])
def test_an_alarm_round_trips_through_json(alarm):
    assert alarm_from_dict(json.loads(json.dumps(alarm_to_dict(alarm)))) == alarm


def test_missing_optional_fields_take_their_defaults_and_unknown_keys_are_ignored():
    data = alarm_to_dict(BARE)
    for optional in ("kind", "vital", "value", "cleared_at"):
        del data[optional]
    data["from_a_newer_station"] = 1

    assert alarm_from_dict(data) == Alarm(**{**BARE.__dict__, "kind": AlarmKind.PHYSIOLOGICAL})


@pytest.mark.parametrize(
    ("field", "value"),
    [("priority", 7), ("priority", True), ("raised_at", "soon"), ("kind", "odd"),
     ("vital", "mood"), ("region", 3), ("acknowledged_at", [1])],
)
def test_a_bad_field_is_named(field, value):
    data = alarm_to_dict(FULL) | {field: value}

    with pytest.raises(ValueError, match=field):
        alarm_from_dict(data)


def test_a_missing_required_field_is_named():
    data = alarm_to_dict(FULL)
    del data["raised_at"]

    with pytest.raises(ValueError, match="raised_at"):
        alarm_from_dict(data)


def test_a_record_that_is_not_a_mapping_is_refused():
    with pytest.raises(ValueError, match="mapping"):
        alarm_from_dict(["a1"])


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [("value", float("nan"), "finite"), ("raised_at", float("inf"), "finite"),
     ("raised_at", "nan", "finite"), ("limit", -1e308 * 10, "finite"),
     ("raised_at", 1e12, "2100"), ("acknowledged_at", -5.0, "1970"),
     ("value", 900.0, "sensor"), ("limit", -3.0, "sensor"),
     ("condition", "x" * 201, "200"), ("patient_name", "Ada\x1b[2J", "control"),
     ("bed_id", "north-1-\u202e10", "control"), ("id", "", "empty"), ("ward", "  ", "empty"),
     ("acknowledged_by", 42, "text"), ("priority", "3.0", "priority")],
)
def test_a_field_no_genuine_alarm_has_is_refused_with_the_reason(field, value, why):
    data = alarm_to_dict(FULL) | {field: value}

    with pytest.raises(AlarmRecordError, match=why):
        alarm_from_dict(json.loads(json.dumps(data)))


def test_an_acknowledgement_needs_both_who_and_when():
    with pytest.raises(AlarmRecordError, match="not both"):
        alarm_from_dict(alarm_to_dict(FULL) | {"acknowledged_at": None})


def test_a_junk_record_is_named_in_few_words():
    with pytest.raises(AlarmRecordError) as refused:
        alarm_from_dict(alarm_to_dict(FULL) | {"id": "x" * 10_000})

    assert len(str(refused.value)) < 200


def test_times_outside_the_window_around_the_bus_clock_are_refused():
    now = 1_800_000_000.0
    fresh = Alarm(**{**FULL.__dict__, "raised_at": now - 60, "acknowledged_at": now - 30,
                     "cleared_at": now})
    check_times(fresh, now, past_s=86400, future_s=3600)

    for field, value, why in (("raised_at", now + 7200, "ahead"),
                              ("cleared_at", now - 2 * 86400, "before")):
        with pytest.raises(AlarmRecordError, match=why):
            check_times(Alarm(**{**fresh.__dict__, field: value}), now, 86400, 3600)


def test_acknowledgements_are_checked_too():
    assert acknowledgement_from_dict({"by": "nurse.kim", "at": 5.0}, "a1") == ("nurse.kim", 5.0)
    for bad in ({"by": None, "at": 5.0}, {"by": "x", "at": float("nan")}, ["x"],
                {"by": "kim\u202e", "at": 1.0}, {"by": "k" * 101, "at": 1.0}):
        with pytest.raises(AlarmRecordError):
            acknowledgement_from_dict(bad, "a1")


# --- random input: whatever arrives, the codec answers an alarm that is safe to show, or refuses --

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                      children, max_size=4),
    max_leaves=10)


def _safe_to_show(alarm: Alarm) -> None:
    """What the banner and the audit do with an alarm must not fail."""
    for name in ("raised_at", "acknowledged_at", "cleared_at", "value", "limit"):
        number = getattr(alarm, name)
        assert number is None or math.isfinite(number)
    for name in ("raised_at", "acknowledged_at", "cleared_at"):
        if getattr(alarm, name) is not None:
            datetime.fromtimestamp(getattr(alarm, name))
    for name, limit in TEXT_LIMITS.items():
        assert len(getattr(alarm, name) or "") <= limit
    assert isinstance(alarm.priority, Priority) and isinstance(alarm.kind, AlarmKind)


@given(field=st.sampled_from(sorted(alarm_to_dict(FULL))), value=JSON_VALUES)
def test_a_genuine_record_with_one_field_mutated_is_read_safely_or_refused(field, value):
    data = alarm_to_dict(FULL) | {field: value}
    try:
        alarm = alarm_from_dict(data)
    except AlarmRecordError:
        return
    _safe_to_show(alarm)


@given(data=JSON_VALUES)
def test_any_json_value_is_read_safely_or_refused(data):
    try:
        alarm = alarm_from_dict(data)
    except AlarmRecordError:
        return
    _safe_to_show(alarm)


def test_the_simulated_mark_is_read_strictly_and_absent_means_measured():
    from stores.alarm_codec import alarm_from_dict, alarm_to_dict
    from stores.model import Alarm, Priority

    alarm = Alarm("a1", "north", "north-1", "b1", "p1", "Ada", Priority.HIGH, "SpO2 low", 10.0,
                  simulated=True)
    assert alarm_from_dict(alarm_to_dict(alarm)).simulated is True
    older = {k: v for k, v in alarm_to_dict(alarm).items() if k != "simulated"}
    assert alarm_from_dict(older).simulated is False
    for bad in ("true", 1, 0, None, "false"):
        with pytest.raises(ValueError, match="'simulated'"):
            alarm_from_dict(dict(alarm_to_dict(alarm), simulated=bad))
