"""Contract of AnalyticsStore: additive hourly rollups per ward, newest occupancy per ward, and
the alarm archive (one record per alarm, the latest state winning)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from stores.errors import ValidationError
from stores.model import Alarm, HealthState, Priority, Vital, WardHour, WardOccupancy

pytestmark = pytest.mark.asyncio
STORE = "analytics"

H = 3600.0
DAY = 20_000 * 24 * H  # some midnight, far from zero


def hour(n: int, ward: str = "north-1", region: str = "north", **sums) -> WardHour:
    return WardHour(region, ward, DAY + n * H, **sums)


async def test_rollups_of_the_same_ward_and_hour_add_up(stores):
    await stores.analytics.add_hours([hour(0, alarms=2, heart_rate_sum=140.0, heart_rate_count=2)])
    await stores.analytics.add_hours(
        [
            hour(0, alarms=1, heart_rate_sum=80.0, heart_rate_count=1, spo2_sum=97.0, spo2_count=1),
            hour(0, alarms=4),  # the same key twice in one batch adds up too
        ]
    )

    [merged] = await stores.analytics.hours("north", DAY, DAY + H)

    assert merged == hour(
        0, alarms=7, heart_rate_sum=220.0, heart_rate_count=3, spo2_sum=97.0, spo2_count=1
    )
    assert merged.heart_rate_mean == pytest.approx(220.0 / 3)


async def test_bed_time_and_acknowledgements_round_trip_and_add_up(stores):
    # Monitoring (the simulator's rollups) and acknowledgements (the alarm feed) arrive apart.
    await stores.analytics.add_hours([hour(0, alarms=3, bed_seconds=7200.0)])
    await stores.analytics.add_hours([
        hour(0, acknowledged=2, acknowledge_s_sum=45.5),
        hour(0, bed_seconds=3600.0, acknowledged=1, acknowledge_s_sum=14.5),
        hour(1, "north-2", bed_seconds=0.25, acknowledged=1, acknowledge_s_sum=2.0),
    ])

    first, second = await stores.analytics.hours("north", DAY, DAY + 2 * H)

    assert first == hour(0, alarms=3, bed_seconds=10_800.0, acknowledged=3,
                         acknowledge_s_sum=60.0)
    assert (first.alarms_per_bed_hour, first.acknowledge_s_mean) == (1.0, 20.0)
    assert second == hour(1, "north-2", bed_seconds=0.25, acknowledged=1, acknowledge_s_sum=2.0)
    assert isinstance(second.acknowledged, int) and isinstance(second.bed_seconds, float)


async def test_a_rollup_stamped_inside_an_hour_merges_into_that_hour(stores):
    await stores.analytics.add_hours([hour(0, alarms=1)])
    await stores.analytics.add_hours([WardHour("north", "north-1", DAY + 1800.0, alarms=1)])

    assert await stores.analytics.hours("north", DAY, DAY + H) == [hour(0, alarms=2)]


async def test_hours_are_half_open_of_one_region_by_hour_then_ward(stores):
    await stores.analytics.add_hours(
        [
            hour(2, "north-2", alarms=1),
            hour(1, "north-2", alarms=1),
            hour(1, "north-1", alarms=1),
            hour(0, alarms=1),
            hour(3, alarms=1),
            hour(1, "south-1", region="south", alarms=1),
        ]
    )

    found = await stores.analytics.hours("north", DAY + H, DAY + 3 * H)

    assert [(h.hour - DAY, h.ward) for h in found] == [
        (H, "north-1"), (H, "north-2"), (2 * H, "north-2")
    ]
    assert all(h.region == "north" for h in found)
    assert await stores.analytics.hours("east", DAY, DAY + 9 * H) == []


async def test_the_newest_occupancy_of_each_ward_wins(stores):
    await stores.analytics.record_occupancy([WardOccupancy("north", "north-1", 10, 16, 200.0)])
    await stores.analytics.record_occupancy(
        [
            WardOccupancy("north", "north-1", 12, 16, 100.0),  # older, arriving late
            WardOccupancy("north", "north-2", 3, 8, 150.0),
        ]
    )
    await stores.analytics.record_occupancy([WardOccupancy("north", "north-2", 4, 8, 300.0)])

    assert await stores.analytics.occupancy() == [
        WardOccupancy("north", "north-1", 10, 16, 200.0),
        WardOccupancy("north", "north-2", 4, 8, 300.0),
    ]


async def test_occupancy_lists_every_ward_by_region_then_ward(stores):
    await stores.analytics.record_occupancy(
        [
            WardOccupancy("south", "south-1", 1, 4, 1.0),
            WardOccupancy("north", "north-2", 2, 4, 1.0),
            WardOccupancy("north", "north-1", 3, 4, 1.0),
        ]
    )

    found = [(o.region, o.ward) for o in await stores.analytics.occupancy()]

    assert found == [("north", "north-1"), ("north", "north-2"), ("south", "south-1")]


async def test_empty_batches_are_allowed(stores):
    await stores.analytics.add_hours([])
    await stores.analytics.record_occupancy([])

    assert await stores.analytics.occupancy() == []


async def test_analytics_survive_a_restart(stores, reopen):
    await stores.analytics.add_hours([hour(0, alarms=3)])
    await stores.analytics.record_occupancy([WardOccupancy("north", "north-1", 5, 8, 9.0)])

    stores = await reopen(stores)
    await stores.analytics.add_hours([hour(0, alarms=1, acknowledged=1, acknowledge_s_sum=9.0)])

    assert await stores.analytics.hours("north", DAY, DAY + H) == [
        hour(0, alarms=4, acknowledged=1, acknowledge_s_sum=9.0)]
    assert await stores.analytics.occupancy() == [WardOccupancy("north", "north-1", 5, 8, 9.0)]


async def test_health_is_up(stores):
    health = await stores.analytics.health()

    assert (health.store, health.state) == ("analytics", HealthState.UP)


# --- the alarm archive ---------------------------------------------------------------------------


def resolved(id_: str, hours: float, patient_id: str | None = "p1", region: str = "north",
             **changes) -> Alarm:
    """An alarm raised `hours` after DAY, cleared a minute later."""
    raised = DAY + hours * H
    return dataclasses.replace(Alarm(
        id_, region, f"{region}-1", f"{region}-1-01", patient_id, "Ada Lovelace", Priority.MEDIUM,
        "SpO2 low", raised, vital=Vital.SPO2, value=86.0, limit=90.0, cleared_at=raised + 60.0,
    ), **changes)


async def test_archived_alarms_read_back_whole_by_region_and_time_oldest_first(stores):
    alarms = [resolved("a2", 30.0), resolved("a1", 1.0, acknowledged_by="nurse.kim",
                                             acknowledged_at=DAY + H + 30.0),
              resolved("s1", 1.0, region="south"), resolved("a0", 0.0, patient_id=None),
              resolved("a0b", 0.0)]

    await stores.analytics.archive_alarms(alarms)

    a2, a1, s1, a0, a0b = alarms
    assert await stores.analytics.archived_alarms("north", DAY, DAY + 48 * H) == [a0, a0b, a1, a2]
    assert await stores.analytics.archived_alarms("north", DAY + 1 * H, DAY + 30 * H) == [a1]
    assert await stores.analytics.archived_alarms("north", DAY + 0.5 * H) == [a1, a2]
    assert await stores.analytics.archived_alarms("south", DAY) == [s1]
    assert await stores.analytics.archived_alarms("east", DAY) == []


async def test_archiving_again_keeps_one_record_and_the_later_state_wins(stores):
    cleared = resolved("a1", 2.0)
    acknowledged = cleared.acknowledge("nurse.kim", cleared.cleared_at + 5.0)

    await stores.analytics.archive_alarms([cleared])
    await stores.analytics.archive_alarms([acknowledged, acknowledged])  # two stations at once
    await stores.analytics.archive_alarms([cleared])  # an earlier state, arriving late

    assert await stores.analytics.archived_alarms("north", DAY) == [acknowledged]


async def test_a_patients_archived_alarms(stores):
    mine, theirs = resolved("a1", 1.0), resolved("b1", 2.0, patient_id="p2")
    await stores.analytics.archive_alarms([mine, theirs, resolved("t1", 3.0, patient_id=None)])

    assert await stores.analytics.archived_alarms("north", DAY, DAY + 24 * H, "p2") == [theirs]
    assert await stores.analytics.archived_alarms("north", DAY, patient_id="p1") == [mine]


@pytest.mark.parametrize("change", [{"value": math.nan}, {"condition": "x" * 1000},
                                    {"bed_id": "bed\u202e21"}])
async def test_an_alarm_that_could_not_be_read_back_is_not_archived(stores, change):
    with pytest.raises(ValidationError):
        await stores.analytics.archive_alarms([resolved("ok", 1.0), resolved("bad", 1.0, **change)])

    assert await stores.analytics.archive_alarms([]) is None
    assert await stores.analytics.archived_alarms("north", DAY) == []
