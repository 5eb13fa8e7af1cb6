"""MongoDB answers "no" apart from "not now": a write the server refuses for good is a
ValidationError (refused at once, or kept as refused by the outbox), never StoreUnavailable
(which the outbox would retry forever, holding every later write behind it)."""

from __future__ import annotations

import pytest
import pytest_asyncio
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ExecutionTimeout,
    NetworkTimeout,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
    WriteConcernError,
    WriteError,
)

from stores.errors import StoreUnavailable, ValidationError
from stores.patients.mongo_client import build_client
from stores.patients.mongo_errors import translated
from stores.urls import parse_store_url

pytestmark = pytest.mark.asyncio

URL = parse_store_url("patients", "mongodb://127.0.0.1:1/ward?replicaSet=rs0")

# As MongoDB 5+ sends a $jsonSchema refusal of an insert without an MRN.
VALIDATION_FAILED = {
    "index": 0, "code": 121, "errmsg": "Document failed validation",
    "errInfo": {"failingDocumentId": "p9", "details": {
        "operatorName": "$jsonSchema",
        "schemaRulesNotSatisfied": [{"operatorName": "required",
                                     "specifiedAs": {"required": ["mrn"]},
                                     "missingProperties": ["mrn"]}]}},
}


@pytest_asyncio.fixture
async def client():
    built = build_client(URL, None)
    yield built
    await built.close()


async def raised_through(client, error: Exception) -> Exception:
    with pytest.raises(Exception) as caught:
        async with translated(client, URL):
            raise error
    return caught.value


async def test_a_document_the_validator_refuses_names_the_field(client):
    refused = await raised_through(client, WriteError("Document failed validation", 121,
                                                      VALIDATION_FAILED))

    assert isinstance(refused, ValidationError)
    assert refused.field == "mrn"
    assert "validator refused the record (code 121) at mrn" in refused.message


async def test_a_property_the_validator_refuses_is_named_too(client):
    details = {"code": 121, "errmsg": "Document failed validation", "errInfo": {"details": {
        "schemaRulesNotSatisfied": [{"operatorName": "properties", "propertiesNotSatisfied": [
            {"propertyName": "version", "details": []}]}]}}}

    refused = await raised_through(client, WriteError("x", 121, details))

    assert (type(refused), refused.field) == (ValidationError, "version")


@pytest.mark.parametrize("error", [
    WriteError("Document failed validation", 121, {"code": 121}),  # servers before 5.0
    OperationFailure("BadValue", 2, {"errmsg": "cannot use $set on a number"}),
    OperationFailure("too large", 10334, {"errmsg": "BSONObj size is invalid"}),
    BulkWriteError({"writeErrors": [VALIDATION_FAILED], "writeConcernErrors": [],
                    "nInserted": 0}),
])
async def test_what_the_server_refuses_for_good_is_refused_not_unavailable(client, error):
    refused = await raised_through(client, error)

    assert isinstance(refused, ValidationError)
    assert not isinstance(refused, StoreUnavailable)
    assert "MongoDB" in refused.message


async def test_a_refusal_says_the_servers_reason_and_code(client):
    refused = await raised_through(
        client, OperationFailure("BadValue", 2, {"errmsg": "cannot use $set on a number"}))

    assert str(refused) == "record: MongoDB refused the change: cannot use $set on a number " \
                           "(code 2)"


@pytest.mark.parametrize("error", [
    AutoReconnect("connection reset"),
    NetworkTimeout("timed out"),
    ServerSelectionTimeoutError("no servers"),
    NotPrimaryError("not primary", {"code": 10107}),
    OperationFailure("not primary", 10107),
    OperationFailure("interrupted", 11602),  # InterruptedDueToReplStateChange
    OperationFailure("shutting down", 91),
    ExecutionTimeout("operation exceeded time limit", 50),
    OperationFailure("write conflict", 112),
    OperationFailure("whatever", 999, {"errorLabels": ["TransientTransactionError"]}),
    OperationFailure("whatever", 999, {"errorLabels": ["RetryableWriteError"]}),
    WriteConcernError("waiting for replication timed out", 64, {}),
    BulkWriteError({"writeErrors": [], "writeConcernErrors": [{"code": 64, "errmsg": "t"}]}),
    OperationFailure("Authentication failed.", 18),
    OperationFailure("not authorized on ward to execute command", 13),
])
async def test_what_may_pass_stays_unavailable(client, error):
    assert isinstance(await raised_through(client, error), StoreUnavailable)
