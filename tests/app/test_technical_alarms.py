"""The station's own technical alarms: stores down, silent beds, a stopped feed, messages it
could not show."""

from __future__ import annotations

from datetime import date

import pytest

from app.alarms.technical import TechnicalAlarms
from stores.model import (
    AlarmKind,
    Bed,
    HealthState,
    Patient,
    Priority,
    StoreHealth,
    VitalSample,
    Ward,
)

T0 = 1_750_000_000.0
BEDS = [Bed(f"north-1-0{n}", "north", "north-1", f"Bed {n}", n) for n in (1, 2, 3)]
ADA = Patient("p-ada", "north", "north-1", "N1", "Ada", "Okafor", date(1950, 3, 1),
              bed_id="north-1-01", admitted_at=T0 - 3600)
BEN = Patient("p-ben", "north", "north-1", "N2", "Ben", "Walsh", date(1960, 5, 2),
              bed_id="north-1-02", admitted_at=T0 - 3600)
PATIENTS = {"north-1-01": ADA, "north-1-02": BEN}  # bed 3 is empty
WARD = Ward(tuple(BEDS), PATIENTS)


@pytest.fixture
def now():
    return [T0]


@pytest.fixture
def technical(now):
    return TechnicalAlarms("north", "north-1", stale_after_s=5.0, clock=lambda: now[0])


def fresh(*beds: str, at: float = T0) -> dict[str, VitalSample]:
    return {bed: VitalSample(bed, at, heart_rate=80) for bed in beds}


def test_a_store_down_is_an_alarm_until_it_answers(technical):
    down = StoreHealth("patients", "mongodb", HealthState.DOWN, reason="no primary")
    assert technical.show_health([down, StoreHealth("vitals", "embedded", HealthState.UP)])
    [alarm] = technical.alarms()
    assert (alarm.kind, alarm.priority) == (AlarmKind.TECHNICAL, Priority.MEDIUM)
    assert alarm.condition == "Patient records store unavailable: no primary"
    assert not technical.show_health([down])  # the same: nothing changes
    assert technical.show_health([StoreHealth("patients", "mongodb", HealthState.DEGRADED)])
    assert technical.alarms() == []


def test_the_alert_store_is_left_to_the_channel_lost_alarm(technical):
    assert not technical.show_health([StoreHealth("alerts", "redis", HealthState.DOWN)])


def test_a_bed_silent_longer_than_the_limit_is_an_alarm_naming_it(technical, now):
    now[0] = T0 + 6
    assert technical.check_beds(WARD, fresh("north-1-01", at=T0 + 5), vitals_down=False)
    [alarm] = technical.alarms()
    assert (alarm.bed_id, alarm.patient_name) == ("north-1-02", "Ben Walsh")
    assert "No data from the monitor for more than 5 s" in alarm.condition
    assert technical.check_beds(WARD, fresh("north-1-01", "north-1-02", at=T0 + 6), False)
    assert technical.alarms() == []


def test_every_bed_silent_is_one_alarm_for_the_feed(technical, now):
    now[0] = T0 + 10
    technical.check_beds(WARD, fresh("north-1-01", "north-1-02", at=T0), vitals_down=False)
    [alarm] = technical.alarms()
    assert alarm.condition.startswith("Bedside feed stopped")


def test_nothing_about_beds_while_the_vitals_store_is_down(technical, now):
    now[0] = T0 + 10
    assert not technical.check_beds(WARD, {}, vitals_down=True)
    assert technical.alarms() == []


def test_a_bed_just_admitted_gets_time_to_speak(technical, now):
    new = Patient("p-new", "north", "north-1", "N3", "New", "Patient", date(1970, 1, 1),
                  bed_id="north-1-03", admitted_at=T0 + 8)
    now[0] = T0 + 10
    ward = Ward(tuple(BEDS), PATIENTS | {"north-1-03": new})
    technical.check_beds(ward, fresh("north-1-01", "north-1-02", at=T0 + 10), False)
    assert technical.alarms() == []


def test_an_emptied_bed_has_no_silent_alarm(technical, now):
    now[0] = T0 + 6
    technical.check_beds(WARD, fresh("north-1-01", at=T0 + 6), False)
    assert len(technical.alarms()) == 1
    assert technical.check_beds(Ward(tuple(BEDS), {"north-1-01": ADA}), fresh("north-1-01", at=T0 + 6), False)
    assert technical.alarms() == []


def test_acknowledging_a_condition_keeps_it_listed_steady(technical):
    technical.show_health([StoreHealth("network", "neo4j", HealthState.DOWN, reason="x")])
    alarm_id = technical.alarms()[0].id
    technical.acknowledge(alarm_id, "nurse.kim")
    [alarm] = technical.alarms()
    assert alarm.acknowledged_by == "nurse.kim" and alarm.is_open and not alarm.needs_attention


def test_unreadable_messages_are_counted_until_acknowledged(technical):
    technical.unreadable(1, "not JSON")
    technical.unreadable(2, "unknown bed 'north-1-99'")
    [alarm] = technical.alarms()
    assert alarm.condition == "3 alarm message(s) could not be shown: unknown bed 'north-1-99'"
    assert alarm.needs_attention
    technical.acknowledge(alarm.id, "nurse.kim")
    assert technical.alarms() == []
    technical.unreadable(1, "bad priority")
    assert technical.alarms()[0].condition.startswith("1 alarm message(s)")


def test_refused_writes_alarm_until_dealt_with_and_sound_again_when_more_are_refused(technical):
    assert technical.refused_writes(1)
    (alarm,) = technical.alarms()
    assert (alarm.priority, alarm.kind) == (Priority.MEDIUM, AlarmKind.TECHNICAL)
    technical.acknowledge(alarm.id, "nurse.kim")
    assert not technical.alarms()[0].needs_attention

    assert technical.refused_writes(2)  # one more refused: it needs attention again
    assert technical.alarms()[0].needs_attention
    assert technical.alarms()[0].condition.startswith("2 queued write(s) refused")
    assert technical.refused_writes(0) and technical.alarms() == []


def test_a_full_outbox_is_an_alarm_until_it_drains(technical):
    assert technical.outbox_full("patients", True, 10_000)
    assert technical.alarms()[0].condition.startswith("Patient records: outbox full (10000")
    assert not technical.outbox_full("patients", True, 10_000)  # no change
    assert technical.outbox_full("patients", False, 10_000) and technical.alarms() == []


def test_a_station_just_started_gives_the_beds_time_to_speak(technical, now):
    """Patients admitted long ago, no sample read yet: the station's first checks, before its
    first poll of the vitals store answered, are no reason to say the feed stopped."""
    now[0] = T0 + 4
    assert not technical.check_beds(WARD, {}, vitals_down=False)
    assert technical.alarms() == []
    now[0] = T0 + 6
    assert technical.check_beds(WARD, {}, vitals_down=False)
    [alarm] = technical.alarms()
    assert alarm.condition.startswith("Bedside feed stopped")
