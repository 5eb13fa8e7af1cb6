"""A user named in a store URL with no password is a configuration mistake said plainly, not a
login with an empty password (InfluxDB's Basic "user:", Cassandra's empty password)."""

from __future__ import annotations

import pytest

from stores.analytics.cassandra_connect import Connector
from stores.analytics.cassandra_settings import CassandraSettings
from stores.patients.mongo_client import build_client
from stores.urls import StoreUrlError, parse_store_url
from stores.vitals.influx.store import open_store as open_influx

HINT = "no password was given; set WARD_STATION_{}_PASSWORD or the OS keyring entry"


@pytest.mark.asyncio
async def test_influxdb_with_a_user_and_no_password():
    url = parse_store_url("vitals", "influxdb://ward@influx:8086/vitals")

    with pytest.raises(StoreUrlError) as refused:
        await open_influx(url, None)

    assert str(refused.value) == ("stores.vitals: the URL names the user 'ward' but "
                                  + HINT.format("VITALS") + " ward-station/vitals")


def test_cassandra_with_a_user_and_no_password():
    settings = CassandraSettings.from_url(parse_store_url("analytics",
                                                          "cassandra://ward@c1/ks?dc=dc1"))
    built = []

    with pytest.raises(StoreUrlError, match=HINT.format("ANALYTICS")):
        Connector(settings, None, build=lambda *args: built.append(args))
    with pytest.raises(StoreUrlError):
        Connector(settings, "", build=lambda *args: built.append(args))
    assert built == []  # nothing tried to log in


def test_mongodb_with_a_user_and_no_password_says_the_same():
    with pytest.raises(StoreUrlError, match=HINT.format("PATIENTS")):
        build_client(parse_store_url("patients", "mongodb://ward@m1/ward"), None)


@pytest.mark.asyncio
async def test_without_a_user_no_password_is_needed():
    store = await open_influx(parse_store_url("vitals", "influxdb://influx:8086/vitals"), None)
    await store.close()
    settings = CassandraSettings.from_url(parse_store_url("analytics", "cassandra://c1/ks?dc=dc1"))
    Connector(settings, None, build=lambda *args: None)
