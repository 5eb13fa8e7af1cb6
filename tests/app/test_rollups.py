"""Hourly ward rollups and occupancy."""

from __future__ import annotations

from datetime import date

from app.rollups import RollupAccumulator, occupancy
from stores.model import Alarm, Bed, Patient, Priority, VitalSample, WardHour

HOUR = 1_749_999_600.0  # the start of an hour
assert HOUR % 3600 == 0


def alarm(at: float, ward: str = "north-1") -> Alarm:
    return Alarm(f"a{at}", "north", ward, f"{ward}-01", None, "", Priority.HIGH, "SpO2 low", at)


def test_samples_add_up_per_ward_and_hour():
    rollups = RollupAccumulator()
    rollups.add_samples("north", "north-1", [
        VitalSample("north-1-01", HOUR + 1, heart_rate=80, spo2=96),
        VitalSample("north-1-02", HOUR + 2, heart_rate=100, spo2=None),
        VitalSample("north-1-01", HOUR + 3601, heart_rate=70, spo2=float("nan")),
    ])
    first, second = rollups.drain()
    assert (first.hour, first.heart_rate_mean, first.heart_rate_count) == (HOUR, 90, 2)
    assert (first.spo2_mean, first.spo2_count) == (96, 1)
    assert (second.hour, second.heart_rate_count, second.spo2_count) == (HOUR + 3600, 1, 0)


def test_every_sample_of_an_occupied_bed_adds_its_interval_of_bed_time():
    rollups = RollupAccumulator()
    # Two beds for the last 3 s of one hour and the first second of the next; a sample without
    # any value still stands for a monitored second.
    rollups.add_samples("north", "north-1", [
        VitalSample(bed, HOUR - 3 + n, heart_rate=80) for n in range(4) for bed in ("b1", "b2")
    ] + [VitalSample("b3", HOUR + 1)])
    rollups.add_samples("north", "north-2", [VitalSample("b9", HOUR + 5)], interval_s=0.5)
    rollups.add_alarms([alarm(HOUR + 2)])

    before, during, other_ward = rollups.drain()
    assert (before.hour, before.bed_seconds) == (HOUR - 3600, 6.0)
    assert (during.hour, during.bed_seconds, during.alarms) == (HOUR, 3.0, 1)
    assert during.alarms_per_bed_hour == 1 / (3.0 / 3600)
    assert (other_ward.ward, other_ward.bed_seconds) == ("north-2", 0.5)


def test_only_raised_alarms_count():
    rollups = RollupAccumulator()
    raised = alarm(HOUR + 10)
    rollups.add_alarms([raised, raised.clear(HOUR + 20), alarm(HOUR + 30).acknowledge("n", HOUR + 40)])
    rollups.add_alarms([alarm(HOUR + 50, "north-2")])
    assert [(h.ward, h.alarms) for h in rollups.drain()] == [("north-1", 1), ("north-2", 1)]


def test_drain_hands_out_deltas_once():
    rollups = RollupAccumulator()
    rollups.add_alarms([alarm(HOUR + 1)])
    assert len(rollups.drain()) == 1
    assert rollups.drain() == []


def test_undelivered_rollups_can_be_put_back():
    rollups = RollupAccumulator()
    rollups.add_alarms([alarm(HOUR + 1)])
    for hour in rollups.drain():
        rollups.add(hour)
    rollups.add_alarms([alarm(HOUR + 2)])
    assert rollups.drain() == [WardHour("north", "north-1", HOUR, alarms=2)]


def test_occupancy_counts_beds_with_a_patient_per_ward():
    beds = [Bed(f"{w}-0{n}", "north", w, f"Bed {n}", n) for w in ("north-1", "north-2") for n in (1, 2, 3)]
    patients = [
        Patient("p1", "north", "north-1", "N1", "A", "B", date(1950, 1, 1), bed_id="north-1-02"),
        Patient("p2", "north", "north-1", "N2", "C", "D", date(1950, 1, 1), bed_id="north-1-03"),
        Patient("p3", "north", "north-2", "N3", "E", "F", date(1950, 1, 1), bed_id=None),
    ]
    wards = occupancy(beds, patients, now=HOUR)
    assert [(o.ward, o.occupied, o.beds, o.time) for o in wards] == [
        ("north-1", 2, 3, HOUR), ("north-2", 0, 3, HOUR)]
