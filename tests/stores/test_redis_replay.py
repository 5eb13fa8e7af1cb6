"""Redis alarm bus: what a master loses with it (it answered, then died before passing it on) is
written again by the station that wrote it, once it finds another master, and no subscriber gets
an alarm twice for it. Here the "new master" is the same server restarted without its data: a
new replication history, as a promoted replica has (the lab's failover: tests/app/)."""

from __future__ import annotations

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st

from stores.alerts.redis_replay import REPLAY_MAX, REPLAY_WINDOW_S, WriteJournal
from stores.errors import StoreUnavailable
from stores.model import Priority
from tests.servers import free_port
from tests.servers.redis import start_redis
from tests.stores.redis_support import T0, Collector, alarm, following, open_bus  # noqa: F401

SECRET = "replay-test-password"


@pytest.fixture
def restartable(tmp_path):
    """A Redis without persistence on a port of its own: restarted, it has lost everything."""
    port = free_port()
    servers = [start_redis(tmp_path, port, SECRET)]

    def restart() -> None:
        servers[-1].stop()
        servers.append(start_redis(tmp_path, port, SECRET))

    url = f"redis://127.0.0.1:{port}/0?insecure=true&wait_replicas=0"
    yield url, restart
    servers[-1].stop()


async def publish_again(bus, version) -> None:
    """The first call after a restart may find its pooled connection closed (StoreUnavailable,
    which the simulator and the outbox answer by publishing again); the next one reconnects."""
    try:
        await bus.publish(version)
    except StoreUnavailable:
        await bus.publish(version)


def _versions(alarms) -> dict[str, tuple[bool, str | None]]:
    return {a.id: (a.condition_active, a.acknowledged_by) for a in alarms}


@pytest.mark.asyncio
async def test_what_the_server_lost_is_written_again_before_the_next_alarm_and_said(
        restartable, open_bus):
    url, restart = restartable
    publisher = await open_bus(url, SECRET)
    station = await open_bus(url, SECRET)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)
    sent = [alarm(f"a{n:03}", 100.0 + n, [Priority.LOW, Priority.MEDIUM][n % 2])
            for n in range(10)]
    for version in sent:
        await publisher.publish(version)
    await publisher.publish(sent[1].clear(T0 + 120.0))
    await station.acknowledge("a002", "Nurse Joy", T0 + 121.0, "north")
    before = await collector.settled(publisher)
    assert sorted(set(before)) == [a.id for a in sent]

    restart()
    await publish_again(publisher, alarm("a010", 130.0))

    # the publisher wrote its alarms again (and the marker of `settled`); the station its
    # acknowledgement (and its first alarm, of `following`), found by its health check
    health = await station.health()
    assert "2 of the 2 alarm write(s)" in health.reason, health.reason
    kept = _versions(await publisher.history("north", T0))
    assert kept == {**{a.id: (True, None) for a in sent}, "a001": (False, None),
                    "a002": (True, "Nurse Joy"), "a010": (True, None), "hello": (True, None)}
    note = (await publisher.health()).reason
    assert "11 of the 11 alarm write(s) of the last 5 min were missing" in note, note
    # (the station's subscription ends, to be made again after reading the current alarms:
    # the restarted server's stream starts after the last entry it read; a promoted replica's
    # does not, and the lab's failover test checks that no alarm comes twice then)


@pytest.mark.asyncio
async def test_a_version_written_again_is_not_delivered_twice(redis_server, open_bus):
    url = redis_server.fresh_url("again")
    publisher = await open_bus(url, redis_server.secret)
    station = await open_bus(url, redis_server.secret)
    collector = Collector(station.subscribe("north"))
    await following(station, collector)
    first = alarm("d1", 100.0)
    await publisher.publish(first)
    await publisher.publish(alarm("d2", 101.0))
    with redis.Redis.from_url(url.partition("?")[0], password=redis_server.secret) as raw:
        raw.hdel("ward:north:alarms", "d1")  # as if the master that had it were gone
    await publisher.publish(first)  # a new stream entry, the very same version
    await publisher.publish(first.clear(T0 + 102.0))
    assert await collector.settled(publisher) == ["d1", "d2", "d1"]  # raised, d2, cleared


@pytest.mark.asyncio
async def test_a_station_that_writes_nothing_more_restores_them_at_its_next_health_check(
        restartable, open_bus):
    url, restart = restartable
    publisher = await open_bus(url, SECRET)
    for n in range(3):
        await publisher.publish(alarm(f"b{n}", 100.0 + n))
    await publisher.health()  # the master as it was

    restart()
    reader = await open_bus(url, SECRET)
    assert await reader.history("north", T0) == []
    assert "3 of the 3" in (await publisher.health()).reason
    assert sorted(_versions(await reader.history("north", T0))) == ["b0", "b1", "b2"]


@pytest.mark.asyncio
async def test_nothing_is_written_again_while_the_master_stays_the_same(restartable, open_bus):
    url, _ = restartable
    publisher = await open_bus(url, SECRET)
    for n in range(5):
        await publisher.publish(alarm(f"c{n}", 100.0 + n))
        await publisher.health()
    assert publisher.journal.last is None
    assert len(publisher.journal) == 5


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_journal_keeps_the_latest_write_per_alarm_publishes_first_for_a_while():
    clock = Clock()
    journal = WriteJournal(clock)
    journal.record("publish", "a", ["k"], ["raised"])
    journal.record("acknowledge", "a", ["k"], ["ack"])
    journal.record("publish", "b", ["k"], ["raised"])
    journal.record("publish", "a", ["k"], ["cleared"])
    assert [(w.script, w.args) for w in journal.pending()] == [
        ("publish", ["raised"]), ("publish", ["cleared"]), ("acknowledge", ["ack"])]
    clock.now += REPLAY_WINDOW_S + 1
    journal.record("publish", "c", ["k"], ["raised"])
    assert [w.args for w in journal.pending()] == [["raised"]]
    for n in range(REPLAY_MAX + 5):
        journal.record("publish", f"d{n}", ["k"], [n])
    assert len(journal) == REPLAY_MAX and journal.pending()[0].args == [5]


def test_the_journal_sees_another_history_or_the_same_gone_back():
    journal = WriteJournal()
    first = {"master_replid": "aaa", "master_repl_offset": 100}
    assert not journal.moved(first)
    assert not journal.moved({"master_replid": "aaa", "master_repl_offset": 250})
    assert journal.moved({"master_replid": "aaa", "master_repl_offset": 120})
    assert journal.moved({"master_replid": "bbb", "master_repl_offset": 900})
    journal.settled({"master_replid": "bbb", "master_repl_offset": 900})
    assert not journal.moved({"master_replid": "bbb", "master_repl_offset": 901})


@given(st.lists(st.dictionaries(st.sampled_from(["master_replid", "master_repl_offset", "x"]),
                                st.one_of(st.text(), st.integers(), st.none(), st.floats())),
                max_size=5))
def test_whatever_the_server_answers_the_journal_decides_without_raising(answers):
    journal = WriteJournal()
    for info in answers:
        assert journal.moved(info) in (True, False)
        journal.settled(info)
