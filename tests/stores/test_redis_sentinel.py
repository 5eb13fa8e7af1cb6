"""Redis alarm bus with replicas and Sentinel: failover without loss, critical alarms WAIT."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from stores.errors import StoreUnavailable
from stores.model import HealthState, Priority
from tests.servers.redis_replicas import replicated_pair, sentinel_group  # noqa: F401
from tests.stores.redis_support import Collector, alarm, following, open_bus  # noqa: F401
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio


def _roles(health) -> list[tuple[str, str, bool]]:
    return sorted((n.role, n.address, n.up) for n in health.nodes)


class Publisher:
    """Publishes a new critical alarm every 50 ms; remembers which calls returned (sent)."""

    def __init__(self, bus) -> None:
        self.bus = bus
        self.sent: list[str] = []
        self.failed: list[str] = []
        self.resumed_at: float | None = None
        self.sent_after_failure = 0
        self.slowest_failure_s = 0.0

    async def run(self, until) -> None:
        for n in range(10_000):
            alarm_id, started = f"a{n:04}", time.monotonic()
            try:
                await self.bus.publish(alarm(alarm_id, 100.0 + n, Priority.HIGH))
            except StoreUnavailable:
                self.failed.append(alarm_id)
                self.slowest_failure_s = max(self.slowest_failure_s, time.monotonic() - started)
            else:
                self.sent.append(alarm_id)
                if self.failed:
                    self.sent_after_failure += 1
                    self.resumed_at = self.resumed_at or time.monotonic()
            if until(self):
                return
            await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_a_failover_loses_no_alarm_reported_as_sent_and_duplicates_none(
        sentinel_group, open_bus):
    group = sentinel_group
    with pytest.raises(StoreUnavailable, match="^authentication failed$"):
        await (await open_bus(group.url, "not-the-password")).active("north")
    publisher = Publisher(await open_bus(group.url, group.secret))
    station = await open_bus(group.url, group.secret)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)
    health = await station.health()
    assert health.state is HealthState.UP, health.reason
    assert _roles(health) == sorted(
        [("master", f"127.0.0.1:{group.master_port}", True),
         ("replica", f"127.0.0.1:{group.replica_port}", True)]
        + [("sentinel", f"127.0.0.1:{port}", True) for port in group.sentinel_ports])

    publishing = asyncio.ensure_future(publisher.run(lambda p: p.sent_after_failure >= 20))
    await eventually(lambda: len(publisher.sent) >= 20, 10, "alarms sent before the failover")
    group.master.kill()
    killed_at = time.monotonic()
    await asyncio.wait_for(publishing, 30.0)

    received = await collector.settled(station, 15.0)
    assert publisher.failed, "the failover should have interrupted publishing"
    before_failure = [a for a in publisher.sent if a < publisher.failed[0]]
    assert not set(publisher.bus.unconfirmed) & set(before_failure), \
        "every critical alarm sent while the replica was there was replicated first"
    # The old master is dead, so the new one has no replica: what it took since is not
    # replicated, and the bus says so rather than counting those alarms as safe.
    after_failure = [a for a in publisher.sent if a > publisher.failed[-1]]
    assert set(after_failure) <= set(publisher.bus.unconfirmed)
    assert len(received) == len(set(received)), "no alarm is delivered twice"
    assert set(publisher.sent) <= set(received), "no alarm reported as sent is lost"
    assert set(received) - set(publisher.sent) <= set(publisher.failed)
    assert received == sorted(received), "alarms arrive in the order they were published"
    assert publisher.resumed_at - killed_at < 20.0
    assert publisher.slowest_failure_s < 3.0, "calls fail promptly during the failover"
    assert group.master_seen_by_sentinels() == {("127.0.0.1", group.replica_port)}
    # the promoted master answers the health check once it has settled (under load, its first
    # answer can miss the check's short deadline)
    new_master = ("master", f"127.0.0.1:{group.replica_port}", True)
    after = await eventually(lambda: _settled(station, new_master), 10, "the new master up")
    assert after.state is HealthState.DEGRADED
    assert "no replica is connected to the master" in after.reason


async def _settled(station, node):
    health = await station.health()
    return health if node in _roles(health) else None


async def test_a_critical_alarm_is_on_the_replica_when_publish_returns(replicated_pair, open_bus):
    import redis

    bus = await open_bus(replicated_pair.url, replicated_pair.secret)
    await bus.publish(alarm("a1", priority=Priority.HIGH))

    with redis.Redis(port=replicated_pair.replica_port, password=replicated_pair.secret) as replica:
        assert replica.hexists("ward:north:alarms", "a1")
    assert bus.unconfirmed == []
    health = await bus.health()
    assert health.state is HealthState.UP
    assert _roles(health) == [("master", f"127.0.0.1:{replicated_pair.master_port}", True),
                              ("replica", f"127.0.0.1:{replicated_pair.replica_port}", True)]


async def test_a_critical_alarm_a_stalled_replica_does_not_confirm_is_kept_and_reported(
        replicated_pair, open_bus):
    bus = await open_bus(replicated_pair.url + "&wait_timeout_ms=300", replicated_pair.secret)
    await bus.publish(alarm("warm-up", priority=Priority.HIGH))
    os.kill(replicated_pair.replica.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        await bus.publish(alarm("high", priority=Priority.HIGH))
        waited = time.monotonic() - started
        started = time.monotonic()
        await bus.publish(alarm("medium", priority=Priority.MEDIUM))
        medium_waited = time.monotonic() - started
    finally:
        os.kill(replicated_pair.replica.process.pid, signal.SIGCONT)

    assert waited >= 0.3 and medium_waited < 0.2
    assert bus.unconfirmed == ["high"]
    assert {a.id for a in await bus.active("north")} == {"warm-up", "high", "medium"}
    health = await bus.health()
    assert health.state is HealthState.DEGRADED
    assert "no replica confirmed the last critical alarm (within 300 ms)" in health.reason


async def test_switched_off_by_a_trainer_a_critical_alarm_no_longer_waits_for_the_replica(
        replicated_pair, open_bus):
    bus = await open_bus(replicated_pair.url + "&wait_timeout_ms=300", replicated_pair.secret)
    await bus.publish(alarm("warm-up", priority=Priority.HIGH))
    now = await bus.apply_teaching_setting("high_alarm_wait", "no replica")
    assert now.value == "no replica"
    os.kill(replicated_pair.replica.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        await bus.publish(alarm("high", priority=Priority.HIGH))
        waited = time.monotonic() - started
    finally:
        os.kill(replicated_pair.replica.process.pid, signal.SIGCONT)

    assert waited < 0.2 and bus.unconfirmed == []
    health = await bus.health()
    assert "HIGH alarms wait for no replica" in health.consistency
    assert health.state is HealthState.UP, health.reason
    await bus.apply_teaching_setting("high_alarm_wait", "1 replica")
    assert "HIGH alarms wait for 1 replica(s), 300 ms at most" in (await bus.health()).consistency


@pytest.mark.slow
async def test_a_failovers_sentinel_events_reach_health_heard_from_the_next_sentinel_when_one_goes(
        sentinel_group, open_bus):
    group = sentinel_group
    bus = await open_bus(group.url, group.secret)
    await bus.health()  # the first check starts listening
    first = await eventually(lambda: bus.sentinel_events.listening_to, 10, "a Sentinel followed")
    group.sentinels[group.sentinel_ports.index(int(first.rsplit(":", 1)[1]))].kill()
    second = await eventually(
        lambda: bus.sentinel_events.listening_to not in (None, first)
        and bus.sentinel_events.listening_to, 10, "the next Sentinel followed")

    group.master.kill()
    switch = (f"+switch-master mymaster 127.0.0.1 {group.master_port} "
              f"127.0.0.1 {group.replica_port}")

    async def told() -> object:
        health = await bus.health()
        return health if any(e.text == switch for e in health.events) else None

    health = await eventually(told, 30, "the Sentinels' +switch-master in the bus's health")
    said = {event.text: event for event in health.events}
    assert said[switch].source == second and not said[switch].bad
    odown = [e for e in health.events if e.text.startswith("+odown master mymaster 127.0.0.1 "
                                                           f"{group.master_port} #quorum ")]
    assert odown and odown[0].bad and odown[0].at <= said[switch].at
    assert [e.at for e in health.events] == sorted(e.at for e in health.events)
    assert bus.sentinel_events.refused == 0
