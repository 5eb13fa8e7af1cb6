"""Contract of AnalyticsStore: additive hourly rollups per ward, newest occupancy per ward."""

from __future__ import annotations

import pytest

from stores.model import HealthState, WardHour, WardOccupancy

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
