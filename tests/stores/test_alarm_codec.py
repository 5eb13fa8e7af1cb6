"""The alarm codec: every field of an Alarm round-trips through JSON; a bad record is named."""

from __future__ import annotations

import json

import pytest

from stores.alerts.codec import alarm_from_dict, alarm_to_dict
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


def test_the_simulated_mark_is_read_strictly_and_absent_means_measured():
    from stores.alerts.codec import alarm_from_dict, alarm_to_dict
    from stores.model import Alarm, Priority

    alarm = Alarm("a1", "north", "north-1", "b1", "p1", "Ada", Priority.HIGH, "SpO2 low", 10.0,
                  simulated=True)
    assert alarm_from_dict(alarm_to_dict(alarm)).simulated is True
    older = {k: v for k, v in alarm_to_dict(alarm).items() if k != "simulated"}
    assert alarm_from_dict(older).simulated is False
    for bad in ("true", 1, 0, None, "false"):
        with pytest.raises(ValueError, match="'simulated'"):
            alarm_from_dict(dict(alarm_to_dict(alarm), simulated=bad))
