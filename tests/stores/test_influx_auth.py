"""The InfluxDB vitals backend against an influxd that requires credentials (1.x users)."""

from __future__ import annotations

import itertools

import pytest

from stores.errors import StoreUnavailable
from stores.model import HealthState, VitalSample
from stores.urls import parse_store_url
from stores.vitals.influx.store import open_store
from tests.servers import start_or_skip
from tests.servers.influx import KEEP_FOR_EVER, influxd_program, influxql, start_influxd

pytestmark = pytest.mark.asyncio
ADMIN_PASSWORD = "s3cret-Admin-pw"
READER_PASSWORD = "s3cret-Reader-pw"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def guarded_influxd(tmp_path_factory):
    """influxd with auth-enabled, an admin and a user without privileges."""
    if influxd_program() is None:
        pytest.skip("influxd is not installed here (Debian package influxdb)")
    influxd = start_or_skip("influxd", lambda: start_influxd(
        tmp_path_factory.mktemp("influxd-auth"), auth=True))
    base = f"http://127.0.0.1:{influxd.port}"
    # 1.x lets the first admin be created without credentials; nothing else.
    influxql(base, f"CREATE USER admin WITH PASSWORD '{ADMIN_PASSWORD}' WITH ALL PRIVILEGES")
    influxql(base, f"CREATE USER reader WITH PASSWORD '{READER_PASSWORD}'", "admin", ADMIN_PASSWORD)
    yield influxd
    influxd.process.stop()


async def open_as(influxd, user: str | None, secret: str | None):
    user_part = f"{user}@" if user else ""
    url = (f"influxdb://{user_part}127.0.0.1:{influxd.port}/guarded{next(_names)}"
           f"?{KEEP_FOR_EVER}")
    return await open_store(parse_store_url("vitals", url), secret)


async def test_the_right_password_reads_and_writes(guarded_influxd):
    store = await open_as(guarded_influxd, "admin", ADMIN_PASSWORD)
    try:
        assert (await store.prepare(create=True))[0].startswith("database 'guarded")
        assert await store.prepare() == []
        await store.write([VitalSample("b1", 1.0, 70)])
        assert await store.latest(["b1"]) == {"b1": VitalSample("b1", 1.0, 70)}
        assert (await store.health()).state is HealthState.UP
    finally:
        await store.close()


@pytest.mark.parametrize("user, secret", [("admin", "wrong-" + ADMIN_PASSWORD), (None, None),
                                          (None, ADMIN_PASSWORD)])  # 1.6 takes no tokens
async def test_refused_credentials_say_authentication_failed_and_never_the_secret(
        guarded_influxd, user, secret):
    store = await open_as(guarded_influxd, user, secret)
    try:
        for call in (store.latest(["b1"]), store.write([VitalSample("b1", 1.0, 70)]),
                     store.prepare(create=True)):
            with pytest.raises(StoreUnavailable) as refused:
                await call
            assert refused.value.reason == "authentication failed"
        health = await store.health()
    finally:
        await store.close()

    assert (health.state, health.reason) == (HealthState.DOWN, "authentication failed")
    assert health.nodes[0].up  # the server is there; it is the credentials that are not
    assert ADMIN_PASSWORD not in repr(refused.value) + repr(health)


async def test_a_user_without_privileges_is_told_what_is_required(guarded_influxd):
    store = await open_as(guarded_influxd, "reader", READER_PASSWORD)
    try:
        with pytest.raises(StoreUnavailable) as refused:
            await store.prepare(create=True)
    finally:
        await store.close()

    assert refused.value.reason.startswith("authentication failed: permission denied")
    assert "admin" in refused.value.reason
    assert READER_PASSWORD not in refused.value.reason
