"""Redis alarm bus when things go wrong: wrong password, no server at start-up, bad URL options."""

from __future__ import annotations

import os
import signal
import time

import pytest

from stores.errors import StoreUnavailable
from stores.model import HealthState
from stores.urls import StoreUrlError
from tests.servers import free_port
from tests.servers.redis import start_redis
from tests.stores.redis_support import Collector, alarm, open_bus  # noqa: F401
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio
WRONG = "not-the-password-Zq81"


@pytest.mark.parametrize("secret", [WRONG, None], ids=["wrong", "missing"])
async def test_a_refused_password_says_authentication_failed_without_the_secret(
        redis_server, open_bus, secret):
    if not redis_server.secret:
        pytest.skip("the test server asks for no password")
    bus = await open_bus(redis_server.fresh_url("auth"), secret)

    for call in (lambda: bus.publish(alarm("a1")), lambda: bus.active("north"),
                 lambda: bus.history("north", 0.0),
                 lambda: bus.acknowledge("a1", "nurse.kim", 1.0, "north")):
        with pytest.raises(StoreUnavailable) as refused:
            await call()
        assert refused.value.reason == "authentication failed"
    health = await bus.health()

    assert (health.state, health.reason) == (HealthState.DOWN, "authentication failed")
    assert WRONG not in repr(health)


async def test_a_password_the_server_does_not_ask_for_is_refused_clearly(tmp_path, open_bus):
    port = free_port()
    server = start_redis(tmp_path, port, None)
    try:
        bus = await open_bus(f"redis://127.0.0.1:{port}/0", WRONG)
        with pytest.raises(StoreUnavailable) as refused:
            await bus.active("north")
        assert refused.value.reason.startswith("authentication failed")
        assert WRONG not in refused.value.reason
    finally:
        server.stop()


async def test_a_bus_opened_while_its_server_is_down_works_once_it_starts(tmp_path, open_bus):
    port = free_port()
    bus = await open_bus(f"redis://127.0.0.1:{port}/0", None)  # must not wait for the server
    subscription = bus.subscribe("north")
    collector = Collector(subscription)

    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as refused:
        await bus.publish(alarm("early"))
    assert time.monotonic() - started < 3.0
    assert refused.value.reason == f"cannot reach 127.0.0.1:{port}: connection refused"
    health = await bus.health()
    assert health.state is HealthState.DOWN and health.nodes[0].up is False
    await eventually(lambda: bus.channel_problem("north"), 5, "the reader finding no server")
    assert not collector.ended, "a subscription waits for the server, it does not end"

    server = start_redis(tmp_path, port, None)
    try:
        await bus.publish(alarm("a1"))
        assert [a.id for a in await bus.active("north")] == ["a1"]
        assert await collector.settled(bus) == ["a1"]
        assert (await bus.health()).state is HealthState.UP
        await collector.stop()
    finally:
        server.stop()


async def test_a_stopped_server_fails_calls_within_seconds_and_ends_no_subscription(
        tmp_path, open_bus):
    port = free_port()
    server = start_redis(tmp_path, port, None)
    bus = await open_bus(f"redis://127.0.0.1:{port}/0", None)
    collector = Collector(bus.subscribe("north"))
    await bus.publish(alarm("a1"))
    assert await collector.settled(bus) == ["a1"]
    server.kill()

    for call in (lambda: bus.publish(alarm("a2")), lambda: bus.active("north"),
                 lambda: bus.history("north", 0.0)):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            await call()
        assert time.monotonic() - started < 3.0
    await eventually(lambda: bus.channel_problem("north"), 5, "the reader losing the server")
    assert collector.ids == ["a1"] and not collector.ended
    await collector.stop()


@pytest.mark.parametrize("query, problem", [
    ("?wait_replicas=lots", "wait_replicas must be a whole number"),
    ("?wait_timeout_ms=0", "wait_timeout_ms must be a whole number"),
    ("?stream_maxlen=-5", "stream_maxlen must be a whole number"),
])
async def test_unusable_url_options_are_refused_naming_the_option(open_bus, query, problem):
    with pytest.raises(StoreUrlError) as refused:
        await open_bus(f"redis://127.0.0.1:1/0{query}", None)

    assert problem in str(refused.value) and str(refused.value).startswith("stores.alerts:")


async def test_a_database_that_is_not_a_number_is_refused(open_bus):
    with pytest.raises(StoreUrlError, match="database must be a whole number"):
        await open_bus("redis://127.0.0.1:1/alarms", None)


async def test_prepare_finds_nothing_missing_on_a_current_server(redis_server, open_bus):
    bus = await open_bus(redis_server.fresh_url("prepare"), redis_server.secret)

    assert await bus.prepare(create=True) == []


async def test_sentinels_that_cannot_be_reached_are_named_in_the_reason(open_bus):
    ports = [free_port(), free_port()]
    sentinels = [f"127.0.0.1:{port}" for port in ports]
    bus = await open_bus(f"redis+sentinel://{','.join(sentinels)}/mymaster/2", WRONG)

    with pytest.raises(StoreUnavailable) as refused:
        await bus.publish(alarm("a1"))
    health = await bus.health()

    assert refused.value.reason == (
        f"cannot reach the Sentinels at {', '.join(sentinels)}: connection refused")
    assert health.state is HealthState.DOWN and health.reason == refused.value.reason
    assert sorted((n.address, n.role, n.up) for n in health.nodes) == [
        (address, "sentinel", False) for address in sorted(sentinels)]


async def test_a_silent_server_is_noticed_within_about_two_seconds_and_the_feed_resumes(
        tmp_path, open_bus):
    port = free_port()
    server = start_redis(tmp_path, port, None)
    try:
        bus = await open_bus(f"redis://127.0.0.1:{port}/0", None)
        collector = Collector(bus.subscribe("north"))
        await bus.publish(alarm("a1"))
        assert await collector.settled(bus) == ["a1"]
        os.kill(server.process.pid, signal.SIGSTOP)  # no reset, no answer: a black hole
        try:
            started = time.monotonic()
            await eventually(lambda: bus.channel_problem("north"), 5, "the silence noticed")
            noticed = time.monotonic() - started
        finally:
            os.kill(server.process.pid, signal.SIGCONT)

        assert noticed < 3.0
        assert not collector.ended
        await bus.publish(alarm("a2"))
        assert await collector.settled(bus) == ["a1", "a2"]
        assert bus.channel_problem("north") is None
        await collector.stop()
    finally:
        server.stop()
