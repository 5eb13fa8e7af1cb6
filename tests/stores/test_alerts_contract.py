"""Contract of AlertBus: live delivery per region, in order; latest versions; acknowledgement."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from stores.errors import AlarmsMissed, NotFound, ValidationError
from stores.model import Alarm, AlarmKind, HealthState, Priority, Vital

pytestmark = pytest.mark.asyncio
STORE = "alerts"


# Times near now: the Redis bus refuses alarms whose times lie years from its server's clock.
T0 = float(int(time.time()) // 3600 * 3600 - 86400)


def at(seconds: float) -> float:
    """A time `seconds` after the tests' origin."""
    return T0 + seconds


def alarm(id_: str = "a1", raised_at: float = at(100.0), region: str = "north",
          **changes) -> Alarm:
    record = Alarm(
        id=id_,
        region=region,
        ward=f"{region}-1",
        bed_id=f"{region}-1-01",
        patient_id="p1",
        patient_name="Ada Lovelace",
        priority=Priority.MEDIUM,
        condition="SpO2 low",
        raised_at=raised_at,
        vital=Vital.SPO2,
        value=86.0,
        limit=90.0,
    )
    return dataclasses.replace(record, **changes)


async def receive(subscription, count: int) -> list[Alarm]:
    return [await asyncio.wait_for(anext(subscription), 2.0) for _ in range(count)]


async def test_a_subscriber_gets_every_version_of_its_region_in_publish_order(stores):
    north = stores.alerts.subscribe("north")  # not iterated yet: must still get what follows
    south = stores.alerts.subscribe("south")
    versions = [
        alarm("a1"), alarm("a2", at(101.0)), alarm("a1").clear(at(105.0)), alarm("s1", region="south")
    ]
    for version in versions:
        await stores.alerts.publish(version)

    assert await receive(north, 3) == versions[:3]
    assert await receive(south, 1) == versions[3:]


async def test_every_subscriber_of_a_region_gets_the_alarm(stores):
    first, second = stores.alerts.subscribe("north"), stores.alerts.subscribe("north")

    await stores.alerts.publish(alarm())

    assert await receive(first, 1) == await receive(second, 1) == [alarm()]


async def test_concurrent_publishers_are_seen_in_one_order_by_all(stores):
    first, second = stores.alerts.subscribe("north"), stores.alerts.subscribe("north")
    alarms = [alarm(f"a{n}", at(100.0 + n)) for n in range(20)]

    await asyncio.gather(*(stores.alerts.publish(a) for a in alarms))

    seen = await receive(first, 20)
    assert seen == await receive(second, 20)
    assert sorted(seen, key=lambda a: a.raised_at) == alarms


async def test_active_is_the_latest_version_of_the_open_alarms(stores):
    await stores.alerts.publish(alarm("waiting", at(1.0)))
    await stores.alerts.publish(alarm("cleared-medium", at(2.0)).clear(at(3.0)))
    await stores.alerts.publish(alarm("latched-high", at(3.0), priority=Priority.HIGH).clear(at(4.0)))
    await stores.alerts.publish(alarm("acknowledged", at(4.0)).acknowledge("nurse.kim", at(5.0)))
    await stores.alerts.publish(
        alarm("resolved-high", at(4.5), priority=Priority.HIGH).acknowledge("nurse.kim", at(5.0)).clear(at(6.0)))
    await stores.alerts.publish(alarm("elsewhere", at(5.0), region="south"))

    active = await stores.alerts.active("north")

    # acknowledged but still true: listed (steady, silent) until it clears
    assert [a.id for a in active] == ["waiting", "latched-high", "acknowledged"]
    assert active[1].cleared_at == at(4.0)
    assert active[2].acknowledged_by == "nurse.kim"


async def test_an_acknowledged_alarm_stays_open_until_its_condition_clears(stores):
    await stores.alerts.publish(alarm(priority=Priority.MEDIUM))
    await stores.alerts.acknowledge("a1", "nurse.kim", at(150.0))
    assert [a.id for a in await stores.alerts.active("north")] == ["a1"]
    await stores.alerts.publish(alarm(priority=Priority.MEDIUM).clear(at(160.0)))
    assert await stores.alerts.active("north") == []


async def test_acknowledging_a_latched_alarm_resolves_it(stores):
    await stores.alerts.publish(alarm(priority=Priority.HIGH).clear(at(140.0)))
    assert [a.id for a in await stores.alerts.active("north")] == ["a1"]
    await stores.alerts.acknowledge("a1", "nurse.kim", at(150.0))
    assert await stores.alerts.active("north") == []


async def test_history_keeps_latest_versions_raised_since_oldest_first(stores):
    technical = alarm("a2", at(200.0), kind=AlarmKind.TECHNICAL, vital=None)
    await stores.alerts.publish(alarm("a3", at(300.0)))
    await stores.alerts.publish(alarm("a1", at(100.0)))
    await stores.alerts.publish(technical)
    await stores.alerts.publish(technical.clear(at(250.0)))
    await stores.alerts.publish(alarm("s1", at(200.0), region="south"))

    history = await stores.alerts.history("north", since=at(200.0))

    assert [(a.id, a.cleared_at) for a in history] == [("a2", at(250.0)), ("a3", None)]
    assert history[0].kind is AlarmKind.TECHNICAL and history[0].vital is None


async def test_acknowledge_publishes_the_acknowledged_version(stores):
    await stores.alerts.publish(alarm())
    subscription = stores.alerts.subscribe("north")

    acknowledged = await stores.alerts.acknowledge("a1", "nurse.kim", at(150.0))

    assert acknowledged == alarm().acknowledge("nurse.kim", at(150.0))
    assert await receive(subscription, 1) == [acknowledged]
    assert await stores.alerts.active("north") == [acknowledged]  # still true: still open
    assert await stores.alerts.history("north", at(0.0)) == [acknowledged]


async def test_the_same_version_published_again_is_delivered_once(stores):
    # a write delivered again (its answer was lost, or from the outbox after a crash)
    subscription = stores.alerts.subscribe("north")
    await stores.alerts.publish(alarm())
    await stores.alerts.publish(alarm())
    await stores.alerts.publish(alarm().clear(at(120.0)))
    await stores.alerts.publish(alarm().clear(at(120.0)))
    assert await receive(subscription, 2) == [alarm(), alarm().clear(at(120.0))]
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(subscription.__anext__(), 0.3)
    await subscription.aclose()


async def test_acknowledging_twice_keeps_the_first_acknowledgement(stores):
    await stores.alerts.publish(alarm())
    first = await stores.alerts.acknowledge("a1", "nurse.kim", at(150.0))

    second = await stores.alerts.acknowledge("a1", "nurse.lee", at(160.0))

    assert second == first
    assert (await stores.alerts.history("north", at(0.0)))[0].acknowledged_by == "nurse.kim"


async def test_a_later_version_published_without_the_acknowledgement_keeps_it(stores):
    await stores.alerts.publish(alarm(priority=Priority.HIGH))
    await stores.alerts.acknowledge("a1", "nurse.kim", at(150.0))
    subscription = stores.alerts.subscribe("north")

    # The alarm engine's copy predates the acknowledgement: clearing must not un-acknowledge it.
    await stores.alerts.publish(alarm(priority=Priority.HIGH).clear(at(160.0)))

    [delivered] = await receive(subscription, 1)
    assert (delivered.acknowledged_by, delivered.acknowledged_at, delivered.cleared_at) == (
        "nurse.kim", at(150.0), at(160.0),
    )
    assert await stores.alerts.active("north") == []


async def test_acknowledging_an_unknown_alarm_is_not_found(stores):
    with pytest.raises(NotFound):
        await stores.alerts.acknowledge("nobody", "nurse.kim", at(1.0))


@pytest.mark.parametrize("field", ["id", "region"])
async def test_publish_needs_an_id_and_a_region(stores, field):
    with pytest.raises(ValidationError) as refused:
        await stores.alerts.publish(dataclasses.replace(alarm(), **{field: ""}))

    assert refused.value.field == field


async def test_closing_the_bus_ends_subscriptions_after_what_was_published(stores):
    subscription = stores.alerts.subscribe("north")
    await stores.alerts.publish(alarm())

    await stores.alerts.close()

    assert [a async for a in subscription] == [alarm()]
    assert [a async for a in stores.alerts.subscribe("north")] == []


async def test_a_consumer_that_stops_gets_nothing_more(stores):
    stopped, listening = stores.alerts.subscribe("north"), stores.alerts.subscribe("north")
    await stores.alerts.publish(alarm("a1"))

    await stopped.aclose()
    await stores.alerts.publish(alarm("a2"))

    assert [a async for a in stopped] == []
    assert [a.id for a in await receive(listening, 2)] == ["a1", "a2"]


async def test_a_waiting_consumer_wakes_when_it_is_closed(stores):
    subscription = stores.alerts.subscribe("north")
    waiting = asyncio.ensure_future(anext(subscription, None))
    await asyncio.sleep(0)

    await subscription.aclose()

    assert await asyncio.wait_for(waiting, 2.0) is None


async def test_alarms_survive_a_restart(stores, reopen):
    await stores.alerts.publish(alarm("a1", at(1.0)))
    await stores.alerts.publish(alarm("a2", at(2.0)))
    await stores.alerts.acknowledge("a2", "nurse.kim", at(3.0))

    await stores.alerts.publish(alarm("a3", at(3.0)).clear(at(4.0)))

    stores = await reopen(stores)

    assert [(a.id, a.acknowledged_by) for a in await stores.alerts.active("north")] == [
        ("a1", None), ("a2", "nurse.kim")]
    assert [a.id for a in await stores.alerts.history("north", at(0.0))] == ["a1", "a2", "a3"]
    # a station that has not followed the region yet names it
    acknowledged = await stores.alerts.acknowledge("a2", "nurse.lee", at(4.0), region="north")
    assert acknowledged.acknowledged_by == "nurse.kim"


async def test_health_is_up(stores):
    health = await stores.alerts.health()

    assert (health.store, health.state) == ("alerts", HealthState.UP)


async def test_a_consumer_too_far_behind_is_told_to_read_again_not_left_to_grow(
        stores, monkeypatch):
    monkeypatch.setattr("stores.alerts.subscription.MAX_QUEUED", 5)
    stalled, listening = stores.alerts.subscribe("north"), stores.alerts.subscribe("north")

    for n in range(8):
        await stores.alerts.publish(alarm(f"a{n}", at(100.0 + n)))
        # one that keeps up is not disturbed
        assert [a.id for a in await receive(listening, 1)] == [f"a{n}"]
    with pytest.raises(AlarmsMissed, match="waited unread"):
        await asyncio.wait_for(anext(stalled), 2.0)
    assert len(await stores.alerts.active("north")) == 8  # what it reads instead


@pytest.mark.parametrize("by, at", [("x" * 101, at(150.0)), ("nurse\u202ekim", at(150.0)),
                                    ("nurse.kim", float("nan"))])
async def test_an_acknowledgement_no_reader_would_accept_is_refused(stores, by, at):
    await stores.alerts.publish(alarm())

    with pytest.raises(ValidationError):
        await stores.alerts.acknowledge("a1", by, at, region="north")
    assert not (await stores.alerts.active("north"))[0].acknowledged


# --- resolved alarms leave the bus for the archive -----------------------------------------------


async def test_resolved_before_lists_alarms_resolved_with_nothing_since_the_cutoff(stores):
    cutoff = at(300.0)
    for version in (
        alarm("open", at(1.0)),
        alarm("cleared", at(2.0)).clear(at(200.0)),
        alarm("latched", at(3.0), priority=Priority.HIGH).clear(at(200.0)),
        alarm("high-resolved", at(4.0), priority=Priority.HIGH).clear(at(200.0)),
        alarm("cleared-late", at(5.0)).clear(at(301.0)),
        alarm("acknowledged-late", at(6.0)).clear(at(200.0)),
        alarm("raised-late", at(300.0)).clear(at(300.0)),
        alarm("south", at(7.0), region="south").clear(at(200.0)),
    ):
        await stores.alerts.publish(version)
    await stores.alerts.acknowledge("high-resolved", "nurse.kim", at(250.0), "north")
    await stores.alerts.acknowledge("acknowledged-late", "nurse.kim", at(310.0), "north")

    resolved = await stores.alerts.resolved_before("north", cutoff)

    assert [a.id for a in resolved] == ["cleared", "high-resolved"]
    assert resolved[1].acknowledged_by == "nurse.kim"  # the latest version, acknowledgement too
    assert [a.id for a in await stores.alerts.resolved_before("north", cutoff, limit=1)] == [
        "cleared"]


async def test_prune_removes_resolved_alarms_but_not_one_published_again_since(stores):
    for n in range(3):
        await stores.alerts.publish(alarm(f"a{n}", at(n)).clear(at(10.0 + n)))
    resolved = await stores.alerts.resolved_before("north", at(100.0))
    # meanwhile another station acknowledges a1: a newer version, not the one archived
    acknowledged = await stores.alerts.acknowledge("a1", "nurse.kim", at(50.0), "north")

    assert await stores.alerts.prune("north", resolved) == 2
    assert await stores.alerts.prune("north", resolved) == 0  # another station, just after

    assert await stores.alerts.history("north", at(0.0)) == [acknowledged]
    assert await stores.alerts.resolved_before("north", at(100.0)) == [acknowledged]
    with pytest.raises(NotFound):
        await stores.alerts.acknowledge("a0", "nurse.kim", at(60.0), "north")


async def test_a_pruned_alarm_published_again_is_kept_and_delivered(stores):
    cleared = alarm("a1", at(1.0)).clear(at(2.0))
    await stores.alerts.publish(cleared)
    await stores.alerts.prune("north", await stores.alerts.resolved_before("north", at(100.0)))
    subscription = stores.alerts.subscribe("north")

    reopened = dataclasses.replace(cleared, cleared_at=None)  # a late write from an outbox
    await stores.alerts.publish(reopened)

    assert await receive(subscription, 1) == [reopened]
    assert await stores.alerts.active("north") == [reopened]
    assert await stores.alerts.prune("north", [cleared]) == 0
    assert await stores.alerts.active("north") == [reopened]
