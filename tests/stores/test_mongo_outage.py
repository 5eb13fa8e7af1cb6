"""The MongoDB patient store while its server is down: unavailable within seconds, with a reason a
person can read, and working again once the server is back (its own nx-27017 server here)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from stores.errors import StoreUnavailable
from stores.model import HealthState, Patient
from stores.patients.mongo import open_store
from stores.urls import parse_store_url
from tests.servers import free_port, start_or_skip
from tests.servers.mongo import nx_process

pytestmark = pytest.mark.asyncio
ADA = Patient(id="p1", region="north", ward="north-1", mrn="MRN-001", given_name="Ada",
              family_name="Lovelace", birth_date=date(1950, 12, 10))


@pytest.fixture
def server(tmp_path):
    """An nx-27017 server on a free port, not started yet; stopped after the test."""
    try:
        process = nx_process(tmp_path, free_port())
    except RuntimeError as exc:
        pytest.skip(str(exc))
    yield process
    process.stop()


def url_of(server, **options: str):
    port = server.argv[server.argv.index("-p") + 1]
    query = "&".join(f"{name}={value}" for name, value in options.items())
    return parse_store_url("patients", f"mongodb://127.0.0.1:{port}/ward?{query}"), port


async def test_a_server_down_at_start_is_unavailable_within_seconds_then_serves(server):
    url, port = url_of(server)
    store = await open_store(url, None)  # opening does not wait for the server
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as refused:
            await store.get("p1")
        waited = time.monotonic() - started
        health = await store.health()

        start_or_skip("nx-27017", server.start)
        await store.prepare(create=True)
        saved = await store.create(ADA, "nurse.kim")
        assert await store.get("p1") == saved
        assert (await store.health()).state is HealthState.UP
    finally:
        await store.close()

    assert waited < 5.0
    assert refused.value.reason == f"cannot reach 127.0.0.1:{port}: connection refused"
    assert (health.state, health.reason) == (HealthState.DOWN, refused.value.reason)
    assert [(n.address, n.up) for n in health.nodes] == [(f"127.0.0.1:{port}", False)]


async def test_a_server_that_goes_away_and_returns_keeps_its_records(server):
    url, port = url_of(server, timeoutMS="1000")  # the URL's options apply
    start_or_skip("nx-27017", server.start)
    store = await open_store(url, None)
    try:
        await store.prepare(create=True)
        saved = await store.create(ADA, "nurse.kim")
        server.kill()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="cannot reach"):
            await store.update(saved, "dr.ng")
        waited = time.monotonic() - started

        server.start()
        assert await store.get("p1") == saved
        assert (await store.update(saved, "dr.ng")).version == 2
    finally:
        await store.close()

    assert waited < 2.5
