"""Writes made while a real server is down wait in the outbox and reach the server, in order, when
it is back: nothing a user entered is lost. Each test has its own server process to stop."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import pytest
from pymongo.errors import WriteError

from stores import STORE_NAMES, StoreConfig, open_stores
from stores.errors import Conflict, ValidationError
from stores.model import HealthState, Patient, VitalSample
from tests.servers import free_port, start_or_skip
from tests.servers.influx import KEEP_FOR_EVER, start_influxd
from tests.servers.mongo import nx_process
from tests.servers.redis import start_redis
from tests.stores.redis_support import alarm
from tests.waiting import eventually

pytestmark = pytest.mark.asyncio

ADA = Patient(id="p1", region="north", ward="north-1", mrn="MRN-001", given_name="Ada",
              family_name="Lovelace", birth_date=date(1950, 12, 10))


def config(tmp_path, store: str, url: str) -> StoreConfig:
    urls = dict.fromkeys(STORE_NAMES, "embedded") | {store: url}
    return StoreConfig(data_dir=tmp_path / "station", urls=urls)


async def delivered(store, timeout: float = 20.0) -> None:
    """Wait until the store's outbox is empty."""
    async def empty() -> bool:
        return (await store.courier.counts())[0] == 0

    await eventually(empty, timeout, "the outbox emptied")


@pytest.fixture
def mongo(tmp_path):
    try:
        process = nx_process(tmp_path / "mongo", free_port())
    except RuntimeError as exc:
        pytest.skip(str(exc))
    start_or_skip("nx-27017", process.start)
    port = process.argv[process.argv.index("-p") + 1]
    yield process, f"mongodb://127.0.0.1:{port}/ward?timeoutMS=1000"
    process.stop()


async def test_patient_edits_made_while_mongodb_is_down_reach_it_in_order(tmp_path, mongo):
    process, url = mongo
    stores = await open_stores(config(tmp_path, "patients", url))
    try:
        await stores.patients.prepare(create=True)
        saved = await stores.patients.create(ADA, "nurse.kim")
        process.kill()

        edited = (await stores.patients.update(dataclasses.replace(saved, notes="fell at 3am"),
                                               "nurse.kim")).record  # queued: as it will be
        again = (await stores.patients.update(dataclasses.replace(edited, weight_kg=61.5),
                                              "dr.ng")).record
        grace = (await stores.patients.create(
            dataclasses.replace(ADA, id="", mrn="MRN-002", given_name="Grace"),
            "nurse.kim")).record
        health = await stores.patients.health()
        assert (edited.version, again.version, grace.version) == (2, 3, 1)
        assert health.state is HealthState.DOWN
        assert "3 write(s) waiting in the outbox" in health.reason

        process.start()
        await delivered(stores.patients)
        assert await stores.patients.get("p1") == dataclasses.replace(
            again, updated_at=(await stores.patients.get("p1")).updated_at)
        assert (await stores.patients.get(grace.id)).given_name == "Grace"
        actions = [(e.action, e.user) for e in await stores.patients.audit_log()]
        assert actions == [("create", "nurse.kim"), ("update", "dr.ng"),
                           ("update", "nurse.kim"), ("create", "nurse.kim")]
    finally:
        await stores.close()


async def test_writes_waiting_when_the_station_closes_are_delivered_by_its_next_start(
        tmp_path, mongo):
    process, url = mongo
    stores = await open_stores(config(tmp_path, "patients", url))
    await stores.patients.prepare(create=True)
    process.kill()
    await stores.patients.create(ADA, "nurse.kim")
    await stores.close()

    process.start()
    stores = await open_stores(config(tmp_path, "patients", url))
    try:
        await delivered(stores.patients)
        assert (await stores.patients.get("p1")).mrn == "MRN-001"
    finally:
        await stores.close()


async def test_vital_signs_written_while_influxdb_is_down_arrive_when_it_is_back(tmp_path):
    influxd = start_or_skip("influxd", lambda: start_influxd(tmp_path / "influx"))
    try:
        # samples of 1970: kept for ever, not dropped as older than the raw policy's 3 days
        stores = await open_stores(config(tmp_path, "vitals",
                                          f"{influxd.url}/vitals?{KEEP_FOR_EVER}"))
        try:
            await stores.vitals.prepare(create=True)
            await stores.vitals.write([VitalSample("b1", 1.0, 70.0)])
            influxd.process.kill()
            for second in range(2, 12):
                await stores.vitals.write([VitalSample("b1", float(second), 70.0 + second)])
            assert "10 write(s) waiting" in (await stores.vitals.health()).reason

            influxd.process.start()
            await delivered(stores.vitals)
            history = await stores.vitals.history("b1", 0.0, 100.0)
            assert [(s.time, s.heart_rate) for s in history] == \
                [(1.0, 70.0)] + [(float(t), 70.0 + t) for t in range(2, 12)]
        finally:
            await stores.close()
    finally:
        influxd.process.stop()


async def test_alarms_raised_while_redis_is_down_are_published_in_order_when_it_is_back(tmp_path):
    port = free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    redis = start_or_skip("redis-server", lambda: start_redis(folder, port, None, persist=True))
    try:
        stores = await open_stores(config(tmp_path, "alerts", f"redis://127.0.0.1:{port}/0"))
        try:
            watcher = stores.alerts.subscribe("north")
            await stores.alerts.publish(alarm("a0"))
            redis.kill()
            for n in range(1, 6):
                await stores.alerts.publish(alarm(f"a{n}", raised_at=100.0 + n))
            assert "5 write(s) waiting" in (await stores.alerts.health()).reason

            redis.start()
            await delivered(stores.alerts)
            async with asyncio.timeout(10):
                seen = [(await anext(watcher)).id for _ in range(6)]
            assert seen == [f"a{n}" for n in range(6)]
            assert [a.id for a in await stores.alerts.active("north")] == seen
            await watcher.aclose()
        finally:
            await stores.close()
    finally:
        redis.stop()


def refuse_mrn(store, mrn: str) -> None:
    """Stand in for a $jsonSchema validator (nx-27017 keeps none): the server refuses the
    insert of a patient with `mrn` as MongoDB does, with WriteError code 121."""
    patients = store.inner._patients
    insert = patients.insert_one

    async def validated(document, *args, **kwargs):
        if document.get("mrn") == mrn:
            raise WriteError("Document failed validation", 121, {
                "index": 0, "code": 121, "errmsg": "Document failed validation",
                "errInfo": {"details": {"schemaRulesNotSatisfied": [
                    {"operatorName": "properties",
                     "propertiesNotSatisfied": [{"propertyName": "mrn"}]}]}}})
        return await insert(document, *args, **kwargs)

    patients.insert_one = validated


async def test_a_patient_mongodb_refuses_is_refused_at_once_or_kept_refused_blocking_nothing(
        tmp_path, mongo):
    process, url = mongo
    stores = await open_stores(config(tmp_path, "patients", url))
    try:
        await stores.patients.prepare(create=True)
        refuse_mrn(stores.patients, "MRN-BAD")
        bad = dataclasses.replace(ADA, id="p9", mrn="MRN-BAD", bed_id=None)
        with pytest.raises(ValidationError) as refused:  # the store is there: the nurse is told
            await stores.patients.create(bad, "nurse.kim")
        assert refused.value.field == "mrn"
        assert await stores.patients.courier.counts() == (0, 0)

        process.kill()
        await stores.patients.create(bad, "nurse.kim")  # queued: the store is away
        await stores.patients.create(ADA, "nurse.kim")
        process.start()
        async def only_the_refusal_left() -> bool:
            return await stores.patients.courier.counts() == (0, 1)

        await eventually(only_the_refusal_left, 20, "the outbox delivering all but the refusal")

        assert (await stores.patients.get("p1")).mrn == "MRN-001"  # not held behind the refusal
        health = await stores.patients.health()
        assert "1 write(s) refused on delivery" in health.reason
    finally:
        await stores.close()


async def test_queued_patient_writes_delivered_twice_are_not_refused(tmp_path, mongo):
    """The station stopped after a delivery but before striking the write off its outbox: the
    next run delivers it again, and the store already has it."""
    _, url = mongo
    stores = await open_stores(config(tmp_path, "patients", url))
    try:
        await stores.patients.prepare(create=True)
        edit = dataclasses.replace(ADA, version=1, notes="fell at 3am")
        for op, args in [("create", {"patient": ADA, "user": "nurse.kim", "at": 1.0}),
                         ("update", {"patient": edit, "user": "nurse.kim", "at": 2.0}),
                         ("discharge", {"patient_id": "p1", "user": "nurse.kim", "at": 3.0})]:
            await getattr(stores.patients.inner, op)(**args)  # the first delivery
            name = {"create": "patients.admit"}.get(op, f"patients.{op}")
            # still in the outbox after the crash; the next start delivers it again
            await stores.patients.courier._outbox.add("patients", name, args)
            await stores.close()
            stores = await open_stores(config(tmp_path, "patients", url))
            await delivered(stores.patients)
            assert await stores.patients.courier.counts() == (0, 0), op  # not refused
            if op == "update":
                stored = await stores.patients.get("p1")
                assert (stored.notes, stored.version) == ("fell at 3am", 2)

        assert [e.action for e in await stores.patients.audit_log()] == [
            "discharge", "update", "create"]  # none twice
        created = await stores.patients.create(ADA, "nurse.kim")
        await stores.patients.update(dataclasses.replace(created, notes="first"), "dr.ng")
        with pytest.raises(Conflict):  # a different change from an old version still conflicts
            await stores.patients.update(dataclasses.replace(created, notes="other"), "dr.ng")
        with pytest.raises(ValidationError):  # and a different patient under a used id
            await stores.patients.create(dataclasses.replace(ADA, given_name="Eve"), "dr.ng")
    finally:
        await stores.close()
