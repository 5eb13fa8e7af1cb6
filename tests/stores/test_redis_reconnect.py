"""Redis alarm bus: a station whose link drops gets every alarm it missed, once, in order."""

from __future__ import annotations

import asyncio

import pytest
import redis

from stores.errors import StoreUnavailable
from stores.model import HealthState
from stores.urls import parse_store_url
from tests.servers import free_port
from tests.servers.redis import start_redis
from tests.servers.tcp_proxy import CuttableLink
from tests.stores.redis_support import Collector, alarm, following, open_bus  # noqa: F401

pytestmark = pytest.mark.asyncio
EXPECTED = [f"a{n:03}" for n in range(100)]


def _address(url: str) -> tuple[str, int]:
    return parse_store_url("alerts", url).hosts[0]


@pytest.mark.slow
async def test_a_station_cut_off_for_5_s_gets_every_alarm_it_missed_once_in_order(
        redis_server, open_bus):
    url = redis_server.fresh_url("cut")
    host, port = _address(url)
    link = CuttableLink(port, host)
    await link.restore()
    publisher = await open_bus(url, redis_server.secret)
    station = await open_bus(url.replace(f":{port}/", f":{link.port}/"), redis_server.secret)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)

    await link.cut()
    for n, alarm_id in enumerate(EXPECTED):  # 100 alarms over the 5 s the link is down
        await publisher.publish(alarm(alarm_id, 100.0 + n))
        await asyncio.sleep(0.05)
    health = await station.health()
    assert health.state is HealthState.DOWN and "connection refused" in health.reason
    assert not collector.ended, "a subscription must outlive an outage"
    await link.restore()

    assert await collector.settled(publisher) == EXPECTED
    await collector.stop()
    await link.close()


async def test_a_killed_channel_connection_resumes_without_loss_or_duplicates(
        redis_server, open_bus):
    url = redis_server.fresh_url("kill")
    publisher = await open_bus(url, redis_server.secret)
    station = await open_bus(url, redis_server.secret)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)
    host, port = _address(url)

    with redis.Redis(host=host, port=port, password=redis_server.secret) as admin:
        for n, alarm_id in enumerate(EXPECTED):
            await publisher.publish(alarm(alarm_id, 100.0 + n))
            await asyncio.sleep(0.01)  # the channel has time to come back between kills
            if n % 25 == 10:
                assert admin.client_kill_filter(_type="pubsub") >= 1

    assert await collector.settled(publisher) == EXPECTED
    await collector.stop()


@pytest.mark.slow
async def test_a_restarted_server_with_persistence_resumes_the_feed(tmp_path, open_bus):
    port = free_port()
    server = start_redis(tmp_path, port, None, persist=True)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        publisher, station = await open_bus(url, None), await open_bus(url, None)
        collector = Collector(station.subscribe("north"))
        await following(station, collector)
        for n in range(50):
            await publisher.publish(alarm(EXPECTED[n], 100.0 + n))
        server.stop()

        for _ in range(2):  # the first call may find its pooled connection closed instead
            with pytest.raises(StoreUnavailable) as refused:
                await asyncio.wait_for(publisher.publish(alarm("lost")), 5.0)
        assert refused.value.reason == f"cannot reach 127.0.0.1:{port}: connection refused"
        server = start_redis(tmp_path, port, None, persist=True)
        for n in range(50, 100):
            await publisher.publish(alarm(EXPECTED[n], 100.0 + n))

        assert await collector.settled(publisher) == EXPECTED
        await collector.stop()
    finally:
        server.stop()
