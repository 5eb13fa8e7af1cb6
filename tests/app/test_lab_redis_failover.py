"""The lab's Redis master killed while the simulator publishes alarms at 20 a second: no alarm
version is lost, counted against the publisher's own record of what it was handed (not against
what the bus reports), although some were taken by a master that never passed them on."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid

import pytest
import redis

from app.config import load_config
from app.lab import control
from app.lab.state import Lab
from app.lab.table import rows
from app.lab.up import lab_up
from app.simulator.delivery import SimulatorStats, StoreDelivery
from stores import open_stores
from stores.model import Alarm, Priority
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.asyncio, pytest.mark.timeout(180)]

RATE_S = 0.05  # 20 alarm versions a second
PRIORITIES = [Priority.HIGH, Priority.MEDIUM, Priority.LOW]


@pytest.fixture
def lab(tmp_path):
    folder, said = tmp_path / "lab", []
    if lab_up(folder, said.append, java=False, seed=False) != 0:
        pytest.fail("\n".join(said))
    yield Lab.load(folder)
    control.down(Lab.load(folder), said.append)


class Publisher:
    """The simulator's own delivery (kept and sent again while the bus is away), handed a new
    alarm version every 50 ms: a raise, or every third one the clear of the oldest still open.
    `sent` is its record: every version it was handed, in order."""

    def __init__(self, stores, region: str, ward: str) -> None:
        self._stores = stores  # its alerts store behind the station's outbox
        self.delivery = StoreDelivery(stores, SimulatorStats())
        self.sent: list[Alarm] = []
        self._open: list[Alarm] = []
        self._region, self._ward = region, ward

    def _next(self) -> Alarm:
        n = len(self.sent)
        if n % 3 == 2 and self._open:
            return self._open.pop(0).clear(time.time())
        raised = Alarm(id=str(uuid.uuid4()), region=self._region, ward=self._ward,
                       bed_id=f"{self._ward}-{n % 16 + 1:02}", patient_id=f"p{n}",
                       patient_name="Ada Lovelace", priority=PRIORITIES[n % 3],
                       condition="SpO2 low", raised_at=time.time(), simulated=True)
        self._open.append(raised)
        return raised

    async def publish(self, count: int) -> None:
        for _ in range(count):
            version = self._next()
            self.sent.append(version)
            self.delivery.queue_alarms([version])
            await self.delivery.publish_alarms()
            await asyncio.sleep(RATE_S)

    async def until(self, done) -> None:
        while not done():
            await self.publish(1)

    async def flushed(self, timeout_s: float) -> None:
        """Until every version handed over has been published (the outbox may hold some)."""
        async def drained() -> bool:
            await self.delivery.publish_alarms()
            waiting, refused = await self._stores.alerts.courier.counts()
            assert not refused, "the bus refused an alarm version"
            return not self.delivery.alarms_waiting and not waiting
        await eventually(drained, timeout_s, "every version published")


def _version(alarm: Alarm) -> tuple[str, bool]:
    return alarm.id, alarm.condition_active


def _master(lab: Lab) -> str | None:
    return next((row[1] for row in rows(lab) if row[1].startswith("redis-")
                 and row[2].startswith("master") and row[5] == "running"), None)


async def test_a_killed_master_loses_no_alarm_version_the_simulator_was_handed(lab, tmp_path):
    config = load_config(lab.folder / "station.toml", environ={})
    own = dataclasses.replace(config.store_config, data_dir=tmp_path / "publisher")
    publishing, station = await asyncio.gather(
        open_stores(own), open_stores(dataclasses.replace(own, data_dir=tmp_path / "station")))
    received: list[tuple[str, bool]] = []

    async def follow() -> None:
        async for alarm in station.alerts.subscribe(config.region):
            received.append(_version(alarm))

    following = asyncio.ensure_future(follow())
    publisher = Publisher(publishing, config.region, config.ward)
    try:
        await publisher.publish(40)
        await eventually(lambda: len(received) >= 40, 10, "the first 40 delivered")

        # The link from the master to its replicas breaks just before the master dies (a
        # network split): the replicas are held (SIGSTOP) so that they cannot reconnect, the
        # master drops them, and what it takes from then on it never passes on.
        master = lab.node("redis-1")
        for replica in ("redis-2", "redis-3"):
            control.freeze(lab, replica, lambda _: None)
        with redis.Redis(host=master.address, port=master.port,
                         password=config.secrets["alerts"]) as direct:
            direct.client_kill_filter(_type="slave")
        await publisher.publish(12)
        control.kill(lab, "redis-1", lambda _: None)
        for replica in ("redis-2", "redis-3"):
            control.restore(lab, replica, lambda _: None)

        await publisher.until(lambda: _master(lab) is not None)
        await publisher.publish(40)
        await publisher.flushed(30)
        expected = [_version(a) for a in publisher.sent]
        await eventually(lambda: set(expected) <= set(received), 30,
                         "every version the publisher was handed delivered")
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)

    assert len(received) == len(set(received)), "no version delivered twice"
    assert set(received) == set(expected)
    latest = {a.id: a.condition_active for a in publisher.sent}
    stored = {a.id: a.condition_active
              for a in await station.alerts.history(config.region, publisher.sent[0].raised_at)}
    assert stored == latest, "the new master holds every alarm in its latest state"
    health = await publishing.alerts.health()
    assert "were missing on the new master and were written again" in health.reason, \
        health.reason
    await asyncio.gather(publishing.close(), station.close())
