"""The drills' figures and verdicts from recorded histories: what the writers made, what the
outbox said of each write, what was read back, what the station was shown. A history where
something really was lost gets a verdict that names it; nothing is taken from what a store or
the bus says of itself."""

from __future__ import annotations

import asyncio
import itertools
from types import SimpleNamespace

import pytest

from app.lab.drills import cassandra_node as drill_cassandra
from app.lab.drills import influxdb_down as drill_influx
from app.lab.drills import redis_master as drill_redis
from app.lab.drills.ledger import ReadLedger, WriteLedger
from app.lab.drills.parts import DrillPublisher, Event, SentinelEvents
from app.lab.drills.verdict import Loss, passed, verdict
from app.lab.drills.watch import HealthWatch, answers, is_down
from app.lab.drills.work import outage
from stores.errors import StoreUnavailable
from stores.model import Alarm, HealthState, Priority, StoreHealth
from stores.outbox import QueuedWrite


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _kept(key: str) -> QueuedWrite:
    return QueuedWrite(1, "network", "drill.write", {"key": key}, 0.0)


def _ledger(clock: Clock) -> WriteLedger:
    return WriteLedger("network", lambda op, args: args["key"], clock)


async def _history(ledger: WriteLedger, clock: Clock) -> None:
    """a taken at once; b and c kept while the store was away (the outbox says so before the
    writer has its answer); b delivered 4 s later, c never."""
    async def taken() -> None:
        clock.now += 0.1

    def kept(key: str):
        async def send() -> None:
            ledger.heard("queued", _kept(key))
        return send

    await ledger.write("a", taken)
    await ledger.write("b", kept("b"))
    await ledger.write("c", kept("c"))
    clock.now += 4.0
    ledger.heard("delivered", _kept("b"))


def test_a_write_kept_and_never_delivered_is_lost_and_the_verdict_names_it():
    clock = Clock()
    ledger = _ledger(clock)
    asyncio.run(_history(ledger, clock))

    found = ledger.outcome({"a", "b"})  # what the store held when read back

    assert found == {"writes_made": 3, "writes_queued": 2, "writes_delivered": 1,
                     "writes_refused": 0, "writes_failed": 0, "writes_lost": 1,
                     "writes_lost_keys": "c"}
    said = verdict(found, [Loss("writes_lost", "write(s) not found", "writes_lost_keys")])
    assert said == "LOST: 1 write(s) not found (c)" and not passed(said)
    assert ledger.waiting() == 1, "c waits in the outbox still"
    assert ledger.longest_wait() == pytest.approx(4.0)


def test_a_write_the_store_holds_although_the_outbox_never_said_delivered_is_not_lost():
    """What counts is what the store holds when read back, not the outbox's word."""
    clock = Clock()
    ledger = _ledger(clock)
    asyncio.run(_history(ledger, clock))

    found = ledger.outcome({"a", "b", "c"})

    assert found["writes_lost"] == 0
    assert passed(verdict(found, [Loss("writes_lost", "write(s) not found")]))


def test_a_failed_write_is_counted_as_failed_not_lost_and_a_refused_one_is_named():
    clock = Clock()
    ledger = _ledger(clock)

    async def history() -> None:
        async def away() -> None:
            raise StoreUnavailable("outbox full")

        async def kept_then_refused() -> None:
            ledger.heard("queued", _kept("r"))

        await ledger.write("f", away)
        await ledger.write("r", kept_then_refused)
        ledger.heard("refused", QueuedWrite(1, "network", "drill.write", {"key": "r"}, 0.0,
                                            refused="both ends must exist"))

    asyncio.run(history())
    found = ledger.outcome(set())

    assert (found["writes_failed"], found["writes_refused"], found["writes_lost"]) == (1, 1, 0)
    said = drill_influx.verdict({**found, "samples_missing": 0})
    assert said.startswith("LOST: 1 write(s) of vital samples refused on delivery")


def test_the_verdict_says_not_proven_when_the_drill_could_not_read_back():
    found = {"writes_lost": 0, "unchecked": "the rollups could not be read back at ALL"}

    said = verdict(found, [Loss("writes_lost", "write(s) not found")])

    assert said == "NOT PROVEN: the rollups could not be read back at ALL"
    assert not passed(said)


def test_vital_samples_missing_after_an_outage_are_named_by_bed():
    taken = {"north-1-01": {1000, 2000, 3000}, "north-1-02": {1000, 2000, 3000}}
    found = {"north-1-01": {1000, 2000, 3000, 2500},  # 2500: another station's sample
             "north-1-02": {1000}}

    figures = drill_influx.samples(taken, found)

    assert (figures["samples_written"], figures["samples_found"],
            figures["samples_missing"]) == (6, 4, 2)
    assert figures["missing_by_bed"] == "bed north-1-02: 2"
    assert drill_influx.verdict({**figures, "writes_refused": 0}) == (
        "LOST: 2 vital sample(s) the store took were not found again (bed north-1-02: 2)")


def test_a_read_missing_a_write_taken_before_it_began_is_stale():
    clock = Clock()
    ledger, reads = _ledger(clock), ReadLedger(clock)

    async def history() -> None:
        async def taken() -> None:
            return None

        await ledger.write("a", taken)
        clock.now += 1.0
        await reads.read(_answer({"a"}), ledger.taken_before)  # fresh
        await ledger.write("b", taken)
        clock.now += 1.0
        await reads.read(_answer({"a"}), ledger.taken_before)  # stale: b was taken before
        await reads.read(_failing(), ledger.taken_before)

    asyncio.run(history())

    assert reads.figures() == {"reads_made": 3, "reads_failed": 1, "reads_stale": 1,
                               "reads_failed_why": "did not answer in time"}
    assert reads.first_stale() == pytest.approx(102.0)


def _answer(keys: set[str]):
    async def read() -> set[str]:
        return keys
    return read


def _failing():
    async def read() -> set[str]:
        raise StoreUnavailable("did not answer in time")
    return read


# the redis-master drill, from the histories it keeps: the publisher's record, what the station
# was shown and the Sentinel's events (times in seconds, monotonic)

def _alarm(n: int) -> Alarm:
    return Alarm(id=f"a{n}", region="north", ward="north-1", bed_id="north-1-01",
                 patient_id=f"drill-{n}", patient_name="Drill Patient", priority=Priority.HIGH,
                 condition="SpO2 low", raised_at=1000.0 + n, simulated=True)


def _redis_history(shown_count: int, resumed_at: float):
    publisher = DrillPublisher(None, "north", "north-1")  # type: ignore[arg-type]
    publisher.sent = [_alarm(n) for n in range(6)]
    publisher.sent_at = [float(t) for t in (1, 2, 3, 11, 12, 13)]  # the kill at 10
    versions = [(a.id, a.condition_active) for a in publisher.sent]
    shown_at = [1.1, 2.1, 3.1, resumed_at, resumed_at + 0.1, resumed_at + 0.2]
    station = SimpleNamespace(shown=versions[:shown_count], shown_at=shown_at[:shown_count],
                              missed=[])
    events = SentinelEvents("127.0.0.1", 1, None)  # never started: its record is given
    events.events = [Event(12.0, "+sdown", "master mymaster 127.0.0.1 6379"),
                     Event(12.1, "+odown", "master mymaster 127.0.0.1 6379 #quorum 2/2"),
                     Event(14.0, "+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380")]
    stored = {a.id: a.condition_active for a in publisher.sent[:shown_count]}
    counts = {"queued": 3, "delivered": 3}
    return drill_redis.figures(publisher, station, events, 10.0, set(versions[3:]), stored,
                               counts, "")


def test_a_redis_failover_where_every_version_was_shown_loses_nothing():
    found = _redis_history(6, 13.5)

    assert (found["detect_s"], found["odown_s"], found["failover_s"],
            found["station_resumed_s"]) == (2.0, 2.1, 4.0, 3.5)
    assert (found["alarms_sent"], found["alarms_shown"], found["alarms_missing"],
            found["alarms_duplicated"], found["writes_lost"]) == (6, 6, 0, 0, 0)
    assert drill_redis.verdict(found) == "nothing lost"


def test_a_redis_failover_that_lost_versions_names_them_and_a_late_station():
    found = _redis_history(4, 20.0)  # a4 and a5 never shown, alarms back 6 s after promotion

    assert (found["alarms_missing"], found["alarms_not_on_new_master"]) == (2, 2)
    assert drill_redis.verdict(found) == (
        "LOST: 2 alarm version(s) the simulator was handed were never shown; 2 alarm(s) not on "
        "the new master as last published; alarms shown again 6.0 s after the promotion "
        "(target 5 s)")


def test_the_verdict_counts_every_loss_it_is_given_and_only_those():
    losses = [Loss(f"k{n}", f"thing(s) {n}") for n in range(3)]
    found = dict(zip((loss.key for loss in losses), itertools.count()))

    assert verdict(found, losses) == "LOST: 1 thing(s) 1; 2 thing(s) 2"


def test_an_outage_resumes_with_the_first_write_made_after_the_station_saw_it():
    """A clean stop takes a moment: a write made just after it began may still land, and is
    not the station resuming."""
    clock = Clock()
    ledger = _ledger(clock)
    watch = HealthWatch(None, "network", lambda text: None)  # type: ignore[arg-type]
    up, down = (StoreHealth("network", "neo4j", state) for state in (HealthState.UP,
                                                                     HealthState.DOWN))

    async def history() -> None:  # the stop at 100
        async def taken() -> None:
            return None

        def kept(key: str):
            async def send() -> None:
                ledger.heard("queued", _kept(key))
            return send

        clock.now = 100.5
        await ledger.write("landed-during-the-stop", taken)
        watch.seen.append((103.0, down))
        clock.now = 104.0
        await ledger.write("kept", kept("kept"))
        watch.seen.append((112.0, up))  # restored at 106
        clock.now = 115.0
        ledger.heard("delivered", _kept("kept"))

    asyncio.run(history())
    found = outage(SimpleNamespace(answered_at=110.0), ledger, watch, 100.0, 106.0,  # type: ignore[arg-type]
                   is_down, answers)

    assert found == {"detect_s": 3.0, "restored_s": 6.0, "answered_s": 4.0, "recovered_s": 6.0,
                     "station_resumed_s": 15.0, "longest_call_s": 0.0, "longest_write_s": 11.0,
                     "outbox_drained_s": 15.0}


def test_a_cassandra_drill_says_what_its_reads_cost_beside_what_was_lost():
    found = {"writes_lost": 0, "writes_refused": 0, "reads_failed": 2, "reads_stale": 7,
             "consistency": "writes: LOCAL_QUORUM, reads: LOCAL_ONE"}

    assert drill_cassandra.verdict(found) == (
        "nothing lost (2 read(s) failed, 7 stale at writes: LOCAL_QUORUM, reads: LOCAL_ONE)")
    assert drill_cassandra.verdict({**found, "writes_lost": 3, "writes_lost_keys": "d-1"}) == (
        "LOST: 3 rollup write(s) taken or kept in the outbox were not found at ALL (d-1); 2 "
        "read(s) failed, 7 stale at writes: LOCAL_QUORUM, reads: LOCAL_ONE")
    assert drill_cassandra.verdict({**found, "reads_failed": 0, "reads_stale": 0}) == (
        "nothing lost")
