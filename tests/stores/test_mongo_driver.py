"""The MongoDB patient store at the driver boundary: the client it builds from a URL, and how
the driver's errors (its own classes, as servers send them) become reasons and fields."""

from __future__ import annotations

import pytest
import pytest_asyncio
from pymongo.errors import DuplicateKeyError, OperationFailure, WriteConcernError

from stores.errors import StoreUnavailable
from stores.patients.mongo import open_store
from stores.patients.mongo_client import build_client
from stores.patients.mongo_errors import duplicate_field, reason
from stores.urls import StoreUrlError, parse_store_url

SECRET = "s3cret-Pa55"
URL = parse_store_url("patients", "mongodb://ward@127.0.0.1:1,127.0.0.1:2/ward?replicaSet=rs0"
                      "&tls=false")


@pytest_asyncio.fixture
async def client():
    built = build_client(URL, SECRET)
    yield built
    await built.close()


@pytest.mark.asyncio
async def test_the_client_writes_to_a_majority_journaled_and_reads_majority_data(client):
    assert client.write_concern.document == {"w": "majority", "j": True}
    assert client.read_concern.level == "majority"
    assert client.options.retry_writes is True
    assert client.options.replica_set_name == "rs0"  # the URL's options pass through
    assert SECRET not in repr(client)


@pytest.mark.parametrize("option", ["w=1", "journal=false", "readConcernLevel=local",
                                    "retryWrites=false", "wTimeoutMS=100"])
def test_a_url_may_not_weaken_the_consistency_of_patient_records(option):
    url = parse_store_url("patients", f"mongodb://m1/ward?{option}")

    with pytest.raises(StoreUrlError, match="fixes the write and read concerns"):
        build_client(url, None)


@pytest.mark.parametrize("option", ["timeoutMS=0", "timeoutMS=inf", "serverSelectionTimeoutMS=0",
                                    "connecttimeoutms=1e12", "socketTimeoutMS=0",
                                    "waitQueueTimeoutMS=nan", "timeoutMS=soon"])
def test_a_url_may_not_turn_a_deadline_off(option):
    url = parse_store_url("patients", f"mongodb://m1/ward?{option}")

    with pytest.raises(StoreUrlError, match="must be milliseconds above 0 and at most 600000"):
        build_client(url, None)


def test_a_password_in_the_url_is_refused():
    with pytest.raises(StoreUrlError, match="WARD_STATION_PATIENTS_PASSWORD") as refused:
        build_client(parse_store_url("patients", "mongodb://ward@m1/ward?password=hunter2"),
                     None)
    assert "hunter2" not in str(refused.value)


def test_an_option_the_driver_does_not_know_is_a_url_problem():
    url = parse_store_url("patients", "mongodb://m1/ward?replicaSett=rs0")

    with pytest.raises(StoreUrlError, match="replicaSett"):
        build_client(url, SECRET)


@pytest.mark.asyncio
async def test_an_unreachable_server_is_named_with_the_reason():
    store = await open_store(parse_store_url("patients", "mongodb://127.0.0.1:1/ward?"
                                             "timeoutMS=500"), None)
    try:
        with pytest.raises(StoreUnavailable) as refused:
            await store.get("p1")
    finally:
        await store.close()

    assert refused.value.reason == "cannot reach 127.0.0.1:1: connection refused"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OperationFailure("Authentication failed.", 18), "authentication failed"),
        (OperationFailure("not authorized on ward to execute command", 13),
         "not authorized: user ward may not do this on database ward"),
        (WriteConcernError("waiting for replication timed out", 64, {}),
         "the write was not confirmed by a majority of the replica set"),
        (OperationFailure("bad", 2, {"errmsg": "BadValue"}),
         "the server refused the request: BadValue (code 2)"),
    ],
)
@pytest.mark.asyncio
async def test_server_errors_become_reasons_for_people(client, error, expected):
    assert reason(error, client, URL) == expected


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"keyPattern": {"region": 1, "mrn": 1}}, "mrn"),  # MongoDB 4.4 and later
        ({"keyPattern": {"region": 1, "bed_id": 1}}, "bed_id"),
        ({"keyPattern": {"_id": 1}}, "id"),
        ({"errmsg": "E11000 duplicate key error collection: mrn_db.patients index: "
                    "region_bed_unique dup key: { region: \"n\", bed_id: \"mrn\" }"}, "bed_id"),
        ({"errmsg": "UNIQUE constraint failed: index 'idx_patients_region_mrn'"}, "mrn"),  # nx
        ({"errmsg": "UNIQUE constraint failed: patients._id"}, "id"),
    ],
)
def test_a_duplicate_key_names_the_field_of_its_index(details, field):
    error = DuplicateKeyError(details.get("errmsg", "E11000"), 11000, details)

    assert duplicate_field(error) == field


@pytest.mark.asyncio
async def test_insecure_is_the_stations_option_and_not_handed_to_pymongo(recwarn):
    client = build_client(parse_store_url("patients", "mongodb://ward@m1/ward?insecure=true"),
                          SECRET)
    await client.close()
    assert not [w for w in recwarn if "insecure" in str(w.message).lower()]
