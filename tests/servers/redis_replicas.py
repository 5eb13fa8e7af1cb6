"""Replicated Redis for the tests: a master and a replica, or those and three Sentinels."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.servers import ServerProcess, free_port, start_or_skip
from tests.servers.redis import answers, redis_program, start_redis
from tests.waiting import eventually_blocking


@dataclass
class SentinelGroup:
    """A master, one replica and three Sentinels watching them as "mymaster"."""

    master: ServerProcess
    master_port: int
    replica: ServerProcess
    replica_port: int
    sentinels: list[ServerProcess]
    sentinel_ports: list[int]
    secret: str

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{p}" for p in self.sentinel_ports)
        return f"redis+sentinel://{hosts}/mymaster/0?insecure=true"  # a password, plain

    def master_seen_by_sentinels(self) -> set[tuple[str, int]]:
        seen = set()
        for port in self.sentinel_ports:
            try:
                with redis.Redis(port=port, password=self.secret, socket_timeout=1) as s:
                    state = s.sentinel_master("mymaster")
                    seen.add((state["ip"], int(state["port"])))
            except redis.RedisError:
                pass
        return seen

    def stop(self) -> None:
        for process in [*self.sentinels, self.replica, self.master]:
            process.stop()


SENTINEL_CONF = """port {port}
bind 127.0.0.1
dir {dir}
requirepass {secret}
sentinel sentinel-pass {secret}
sentinel monitor mymaster 127.0.0.1 {master} 2
sentinel auth-pass mymaster {secret}
sentinel down-after-milliseconds mymaster 1000
sentinel failover-timeout mymaster 3000
sentinel parallel-syncs mymaster 1
"""


def start_sentinel_group(folder: Path) -> SentinelGroup:
    """Start the group and wait until the Sentinels know the replica and each other (a failover
    needs both); raises RuntimeError if it does not come together."""
    secret = "ward-sentinel-" + secrets.token_hex(6)
    master_port, replica_port = free_port(), free_port()
    sentinel_ports = [free_port() for _ in range(3)]
    started: list[ServerProcess] = []
    try:
        started.append(start_redis(folder / "master", master_port, secret))
        started.append(start_redis(folder / "replica", replica_port, secret,
                                   "--replicaof", "127.0.0.1", str(master_port)))
        for i, port in enumerate(sentinel_ports):
            started.append(_start_sentinel(folder / f"sentinel{i}", port, master_port, secret))
        group = SentinelGroup(started[0], master_port, started[1], replica_port, started[2:],
                              sentinel_ports, secret)
        _wait_until(lambda: _group_ready(group), 20.0, "the Sentinels did not find each other")
    except BaseException:
        for process in started:
            process.kill()
        raise
    return group


def _start_sentinel(folder: Path, port: int, master_port: int, secret: str) -> ServerProcess:
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "sentinel.conf"
    conf.write_text(SENTINEL_CONF.format(port=port, dir=folder, secret=secret, master=master_port))
    return ServerProcess([redis_program(), str(conf), "--sentinel"], folder,
                         lambda: answers(port, secret)).start()


def _group_ready(group: SentinelGroup) -> bool:
    if not _replica_online(group):
        return False
    for port in group.sentinel_ports:
        with redis.Redis(port=port, password=group.secret, socket_timeout=1) as sentinel:
            state = sentinel.sentinel_master("mymaster")
            replicas = sentinel.sentinel_slaves("mymaster")
        if state["num-other-sentinels"] < 2 or not any(
                r["port"] == group.replica_port and not r["is_sdown"] for r in replicas):
            return False
    return True


def _wait_until(check, timeout_s: float, failure: str) -> None:
    try:
        eventually_blocking(check, timeout_s, failure, ignoring=(redis.RedisError,))
    except AssertionError:
        raise RuntimeError(failure) from None  # start_or_skip skips a group that cannot form


@pytest.fixture
def sentinel_group(tmp_path):
    """A fresh group per test (the tests kill its master)."""
    group = start_or_skip("a Redis master, replica and three Sentinels",
                          lambda: start_sentinel_group(tmp_path))
    yield group
    group.stop()


@dataclass
class ReplicatedPair:
    """A master and one replica, no Sentinel: what `WAIT` needs."""

    master: ServerProcess
    master_port: int
    replica: ServerProcess
    replica_port: int
    secret: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.master_port}/0?insecure=true"  # a password, plain


def start_replicated_pair(folder: Path) -> ReplicatedPair:
    secret = "ward-pair-" + secrets.token_hex(6)
    master_port, replica_port = free_port(), free_port()
    master = start_redis(folder / "master", master_port, secret)
    try:
        replica = start_redis(folder / "replica", replica_port, secret,
                              "--replicaof", "127.0.0.1", str(master_port))
    except BaseException:
        master.kill()
        raise
    pair = ReplicatedPair(master, master_port, replica, replica_port, secret)
    try:
        _wait_until(lambda: _replica_online(pair), 10.0, "the replica did not sync")
    except BaseException:
        replica.kill()
        master.kill()
        raise
    return pair


def _replica_online(pair: ReplicatedPair | SentinelGroup) -> bool:
    """True once the replica confirms a write (WAIT): "online" alone comes a little earlier."""
    with redis.Redis(port=pair.master_port, password=pair.secret, socket_timeout=2) as master:
        with master.client() as one:
            one.set("ward-test:probe", "1")  # a real write: WAIT for nothing returns at once
            confirmed = one.wait(1, 200) >= 1
            one.delete("ward-test:probe")
            return confirmed


@pytest.fixture
def replicated_pair(tmp_path):
    pair = start_or_skip("a Redis master and replica", lambda: start_replicated_pair(tmp_path))
    yield pair
    pair.replica.stop()
    pair.master.stop()
