"""The outbox: queued writes survive a restart and reach their store in order, none dropped."""

from __future__ import annotations

import asyncio
import datetime
import sqlite3

import pytest
import pytest_asyncio

from stores import model
from stores.embedded_db import EmbeddedDb
from stores.errors import Conflict, NotFound, StoreUnavailable
from stores.model import Queued
from stores.outbox import Courier, Outbox
from stores.outbox.codec import from_json, to_json
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio


class Destination:
    """Where a courier delivers: records what arrives, refuses while `away`."""

    def __init__(self) -> None:
        self.away = False
        self.received: list[tuple[str, list]] = []
        self.refuse: set[str] = set()

    async def __call__(self, op: str, args: list) -> str:
        if self.away:
            raise StoreUnavailable("cannot reach test:1: connection refused")
        if op in self.refuse:
            raise Conflict("someone saved first")
        self.received.append((op, args))
        return f"took {op}"


@pytest_asyncio.fixture
async def db(tmp_path):
    db = await EmbeddedDb.open(tmp_path / "station.sqlite3")
    yield db
    await db.close()


async def test_a_write_goes_straight_to_a_store_that_is_there(db):
    destination = Destination()
    courier = Courier(Outbox(db), "vitals", destination)

    assert await courier.send("write", [1]) == "took write"
    assert destination.received == [("write", [1])]
    assert await courier.counts() == (0, 0)
    await courier.close()


async def test_writes_wait_while_the_store_is_away_and_arrive_in_order_when_it_returns(db):
    destination = Destination()
    courier = Courier(Outbox(db), "patients", destination)
    destination.away = True

    for n in range(5):
        assert isinstance(await courier.send("update", [n]), Queued)
    assert await courier.counts() == (5, 0)
    destination.away = False
    assert isinstance(await courier.send("update", [5]), Queued)  # behind the others

    await eventually(lambda: len(destination.received) == 6)
    assert [args for _, args in destination.received] == [[n] for n in range(6)]
    await eventually(lambda: courier._waiting == 0)
    assert await courier.counts() == (0, 0)
    assert await courier.send("update", [6]) == "took update"  # straight again
    await courier.close()


async def test_queued_writes_survive_a_restart_and_are_delivered_by_the_next_run(tmp_path):
    path = tmp_path / "station.sqlite3"
    db = await EmbeddedDb.open(path)
    destination = Destination()
    destination.away = True
    first = Courier(Outbox(db), "alerts", destination)
    await first.send("publish", ["a1"])
    await first.send("publish", ["a2"])
    await first.close()
    await db.close()

    db = await EmbeddedDb.open(path)
    destination.away = False
    second = Courier(Outbox(db), "alerts", destination)
    second.start()
    await eventually(lambda: len(destination.received) == 2)
    assert destination.received == [("publish", ["a1"]), ("publish", ["a2"])]
    await second.close()
    await db.close()


async def test_a_write_the_store_refuses_is_kept_with_its_reason_and_does_not_block_the_rest(db):
    destination = Destination()
    outbox = Outbox(db)
    courier = Courier(outbox, "patients", destination)
    destination.away = True
    await courier.send("update", ["stale"])
    await courier.send("discharge", ["p2"])
    destination.refuse = {"update"}
    destination.away = False
    courier.start()

    await eventually(lambda: len(destination.received) == 1)
    assert destination.received == [("discharge", ["p2"])]
    await eventually(lambda: courier._waiting == 0)
    assert await courier.counts() == (0, 1)
    reason = await db.read(lambda c: c.execute("SELECT refused FROM outbox").fetchone()[0])
    assert "someone saved first" in reason
    await courier.close()


async def test_each_store_has_its_own_queue(db):
    outbox = Outbox(db)
    await outbox.add("vitals", "write", [1])
    await outbox.add("alerts", "publish", [2])

    assert [w.args for w in await outbox.waiting("vitals")] == [[1]]
    assert await outbox.counts("alerts") == (1, 0)


@pytest.mark.parametrize("record", [
    model.Patient(id="p1", region="north", ward="north-1", mrn="M1", given_name="Ada",
                  family_name="Lovelace", birth_date=datetime.date(1815, 12, 10),
                  sex=model.Sex.FEMALE, bed_id="b1", weight_kg=55.5, diagnoses=("a", "b"),
                  admitted_at=10.0, updated_at=11.0, version=3),
    model.Alarm(id="a1", region="north", ward="north-1", bed_id="b1", patient_id=None,
                patient_name="Ada", priority=model.Priority.HIGH, condition="SpO2 low",
                raised_at=1.0, vital=model.Vital.SPO2, value=85.0, limit=90.0),
    model.VitalSample("b1", 1.5, heart_rate=72.0, spo2=None),
    model.CareLink("n1", "p1", model.CareLinkKind.ASSIGNED_NURSE),
    model.WardHour(region="north", ward="north-1", hour=3600.0, alarms=2),
])
async def test_records_keep_every_field_through_the_outbox(db, record):
    outbox = Outbox(db)
    await outbox.add("any", "op", [record, [record], "user"])

    (write,) = await outbox.waiting("any")
    assert write.args == [record, [record], "user"]
    assert from_json(to_json(record)) == record


class Gated(Destination):
    """A destination that holds the delivery of the writes in `held` until `release()`."""

    def __init__(self, *held: object) -> None:
        super().__init__()
        self.held = set(held)
        self.started: list[object] = []
        self._gate = asyncio.Event()

    def release(self) -> None:
        self._gate.set()

    async def __call__(self, op: str, args: list) -> str:
        self.started.append(args[0])
        if args[0] in self.held:
            await self._gate.wait()
        return await super().__call__(op, args)


def arrived(destination: Destination) -> list:
    return [args[0] for _, args in destination.received]


async def test_a_new_write_after_a_restart_waits_behind_what_the_last_run_left(db):
    outbox = Outbox(db)
    for n in range(3):  # left by the last run of the station
        await outbox.add("alerts", "publish", [n])
    destination = Gated(1)
    courier = Courier(outbox, "alerts", destination)
    courier.start()  # as open_stores does

    await eventually(lambda: 1 in destination.started)  # the first is delivered, two still wait
    assert isinstance(await courier.send("publish", ["new"]), Queued)
    destination.release()

    await eventually(lambda: len(destination.received) == 4)
    assert arrived(destination) == [0, 1, 2, "new"]
    await eventually(lambda: courier._waiting == 0)
    assert await courier.send("publish", ["later"]) == "took publish"
    await courier.close()


class SlowToDelete(Outbox):
    """An outbox in which a send can run between a row's delete and what follows it."""

    def __init__(self, db: EmbeddedDb) -> None:
        super().__init__(db)
        self.after_first_delete = None

    async def delivered(self, seq: int) -> None:
        await super().delivered(seq)
        hook, self.after_first_delete = self.after_first_delete, None
        if hook is not None:
            await hook()


async def test_a_send_during_a_delivery_does_not_lose_count_of_what_waits(db):
    outbox = SlowToDelete(db)
    for n in range(2):
        await outbox.add("alerts", "publish", [n])
    destination = Gated("new")
    courier = Courier(outbox, "alerts", destination)
    sends = []

    async def send_meanwhile() -> None:
        sends.append(asyncio.create_task(courier.send("publish", ["new"])))
        await asyncio.sleep(0.1)  # lets the send run now, if nothing keeps it out

    outbox.after_first_delete = send_meanwhile
    courier.start()
    await eventually(lambda: "new" in destination.started)  # 0 and 1 delivered; "new" under way
    assert sends and isinstance(await sends[0], Queued)
    assert isinstance(await courier.send("publish", ["later"]), Queued)  # "new" waits
    destination.release()

    await eventually(lambda: len(destination.received) == 4)
    assert arrived(destination) == [0, 1, "new", "later"]
    await courier.close()


async def test_a_row_that_cannot_be_read_back_is_refused_and_the_rest_still_arrive(db, caplog):
    outbox = Outbox(db)
    await outbox.add("patients", "update", ["before"])
    await db.write(lambda conn: conn.execute(
        "INSERT INTO outbox (store, op, payload, queued_at) VALUES ('patients', 'update', ?, 0)",
        ('[{"record": "Ghost", "fields": {}}]',)))
    await outbox.add("patients", "update", ["after"])
    destination = Destination()
    courier = Courier(outbox, "patients", destination)
    courier.start()

    await eventually(lambda: len(destination.received) == 2)
    assert arrived(destination) == ["before", "after"]
    await eventually(lambda: courier._waiting == 0)
    assert await courier.counts() == (0, 1)
    reason = await db.read(lambda c: c.execute("SELECT refused FROM outbox").fetchone()[0])
    assert "cannot be read back" in reason and "Ghost" in reason
    assert "cannot be read back" in caplog.text
    await courier.close()


class Flaky(Outbox):
    """An outbox whose table fails to be read `failures` times (a locked or full disk)."""

    def __init__(self, db: EmbeddedDb, failures: int) -> None:
        super().__init__(db)
        self.failures = failures

    async def waiting(self, store: str, limit: int = 200):
        if self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("database is locked")
        return await super().waiting(store, limit)


async def test_the_courier_outlives_a_failure_of_the_table_and_says_so(db, caplog):
    outbox = Flaky(db, failures=1)
    await outbox.add("vitals", "write", [1])
    destination = Destination()
    courier = Courier(outbox, "vitals", destination)
    courier.start()

    await eventually(lambda: destination.received == [("write", [1])])
    await eventually(lambda: courier._waiting == 0)
    assert "database is locked" in caplog.text
    assert await courier.counts() == (0, 0)
    await courier.close()


async def test_a_queued_discharge_of_a_patient_already_gone_is_done_not_refused(db):
    outbox = Outbox(db)
    await outbox.add("patients", "patients.discharge", {"patient_id": "p1", "user": "nurse.kim"})  # delivered once, then a crash

    async def gone(op: str, args: list) -> None:
        raise NotFound(f"No admitted patient has the id {args['patient_id']}.")

    courier = Courier(outbox, "patients", gone)
    courier.start()

    await eventually(lambda: courier._waiting == 0)
    assert await courier.counts() == (0, 0)
    await courier.close()


async def test_a_write_cut_short_by_the_close_is_kept_not_dropped(db):
    """The station closes (the write's task is cancelled) while the store has not answered:
    the write waits in the outbox, as one whose answer never came does."""
    arrived, answer = asyncio.Event(), asyncio.Event()

    async def slow(op: str, args: list) -> str:
        arrived.set()
        await answer.wait()  # the answer never comes before the close
        return "took it"

    courier = Courier(Outbox(db), "patients", slow)
    sending = asyncio.ensure_future(courier.send("patients.update", {"patient": "p1"}))
    await arrived.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    await courier.close()

    assert await Courier(Outbox(db), "patients", Destination()).counts() == (1, 0)
    [kept] = await Outbox(db).listed("patients")
    assert (kept.op, kept.args) == ("patients.update", {"patient": "p1"})


async def test_two_stations_on_one_folder_never_count_a_negative_number_of_writes(db):
    """A second station started on the same data folder delivers the first one's queued
    writes too: neither says a negative number of them wait (seen: "-1 write(s) waiting")."""
    first_destination, second_destination = Destination(), Destination()
    first = Courier(Outbox(db), "vitals", first_destination)
    second = Courier(Outbox(db), "vitals", second_destination)
    assert await second.counts() == (0, 0)  # counted before the first station queues
    first_destination.away = True
    for n in range(2):
        assert isinstance(await first.send("write", [n]), Queued)
    counted = []
    second.listen(lambda event, write: counted.append(second._waiting))

    second.start()  # delivers what the first one queued
    await eventually(lambda: len(counted) == 2, what="the second station's deliveries")

    assert counted == [0, 0] and await second.counts() == (0, 0)
    first_destination.away = False
    first.start()
    await eventually(lambda: first._task is None, what="the first station's courier done")
    assert await first.counts() == (0, 0)
    assert [args for _, args in second_destination.received] == [[0], [1]]
    await first.close()
    await second.close()
