"""Every patient store refuses a patient's alarm limits beyond the clinical bounds, and a limit
written beyond them by something else (a server edited by hand) applies at the bound."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from stores.errors import ValidationError
from stores.model import AlarmLimits, Patient, Vital

pytestmark = pytest.mark.asyncio
STORE = "patients"

ADA = Patient(id="p1", region="north", ward="north-1", mrn="MRN-001", given_name="Ada",
              family_name="Lovelace", birth_date=date(1950, 12, 10), bed_id="north-1-01")
SILENCING = [
    (AlarmLimits(Vital.SPO2, low=0.0), "SpO\u2082 low limit 0 % is below the clinical bound"),
    (AlarmLimits(Vital.RESP_RATE, low=0.0), "RR low limit 0 /min is below the clinical bound"),
    (AlarmLimits(Vital.SPO2, delay_s=120.0), "SpO\u2082 alarm delay 120 s is beyond the bound"),
]


@pytest.mark.parametrize("limits, words", SILENCING)
async def test_limits_that_could_silence_an_alarm_are_refused(stores, limits, words):
    with pytest.raises(ValidationError, match=words) as refused:
        await stores.patients.create(dataclasses.replace(ADA, alarm_limits=(limits,)), "nurse")
    assert refused.value.field == f"alarm_limits.{limits.vital.value}"
    saved = await stores.patients.create(ADA, "nurse.kim")
    with pytest.raises(ValidationError, match=words):
        await stores.patients.update(dataclasses.replace(saved, alarm_limits=(limits,)), "nurse")
    assert (await stores.patients.get("p1")).alarm_limits == ()


STORED_BEYOND = [{"vital": "spo2", "low": 0.0, "high": None, "delay_s": 120.0},
                 {"vital": "resp_rate", "low": 0.0, "high": None, "delay_s": None}]
APPLIED = (AlarmLimits(Vital.SPO2, 85.0, None, 30.0), AlarmLimits(Vital.RESP_RATE, 5.0))


async def test_embedded_limits_written_beyond_the_bounds_apply_at_them(tmp_path, caplog):
    from stores import StoreConfig, open_stores

    stores = await open_stores(StoreConfig(data_dir=tmp_path))
    try:
        await stores.patients.create(ADA, "nurse.kim")
        sql = "UPDATE patients SET alarm_limits = ? WHERE id = 'p1'"
        await stores.patients._db.write(  # noqa: SLF001 - writing past the store on purpose
            lambda conn: conn.execute(sql, (json.dumps(STORED_BEYOND),)))
        assert (await stores.patients.get("p1")).alarm_limits == APPLIED
    finally:
        await stores.close()
    assert any("beyond the clinical bounds" in r.getMessage() for r in caplog.records)


async def test_mongodb_limits_written_beyond_the_bounds_apply_at_them(mongo_server, caplog):
    from stores.patients.mongo import open_store
    from stores.patients.mongo_client import build_client
    from tests.servers.mongo import patient_store_url

    url = patient_store_url(mongo_server, "limit_bounds")
    store = await open_store(url, mongo_server.secret)
    client = build_client(url, mongo_server.secret)  # a client of its own, as a hand edit
    try:
        await store.prepare(create=True)
        await store.create(ADA, "nurse.kim")
        await client[url.path]["patients"].update_one(
            {"_id": "p1"}, {"$set": {"alarm_limits": STORED_BEYOND}})
        assert (await store.get("p1")).alarm_limits == APPLIED
        assert (await store.search("north"))[0].alarm_limits == APPLIED
    finally:
        await client.close()
        await store.close()
    assert any("beyond the clinical bounds" in r.getMessage() for r in caplog.records)
