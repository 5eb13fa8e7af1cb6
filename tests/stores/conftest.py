"""Fixtures for the stores' contract tests: the same tests run against every backend of a store.

A contract module says which store it pins with `STORE = "alerts"`; its `backend` fixture is then
parametrised over the embedded default and every real backend of that store (the backends' specs,
stores/backends.py).
A real backend's server comes from a session fixture (tests/servers/) that may skip, saying why.
Each test gets an empty store; opening again within the test reaches the same data.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
import pytest_asyncio

from stores import STORE_NAMES, StoreConfig, Stores, open_stores
from stores.backends import specs_of
from tests.servers import accept_plain
from tests.servers.influx import KEEP_FOR_EVER
from tests.servers.java_servers import GROUP, START_TIMEOUT_S


@dataclass(frozen=True)
class Backend:
    name: str
    store: str | None = None  # the one store that is real; None: all embedded
    server_fixture: str | None = None  # the session fixture giving the server


# backend -> the session fixture that starts its server (tests/servers/); a backend without one
# fails the collection: its contract would go untested
SERVER_FIXTURES = {"redis": "redis_server", "influxdb": "influx_server", "mongodb": "mongo_server",
                   "neo4j": "neo4j_server", "cassandra": "cassandra_server"}
EMBEDDED = Backend("embedded")
# The first test of these may wait for `lab fetch` and the servers' start (tests/servers/).
JAVA_BACKENDS = frozenset({"neo4j", "cassandra"})


def real_backends(store: str | None) -> list[Backend]:
    """The real backends of `store` as their specs declare them."""
    return [Backend(spec.name, spec.store, SERVER_FIXTURES[spec.name])
            for spec in specs_of(store or "")]
# The contract suites write at fixed times, years ago: points kept for ever, so that what the
# suites check is the contract, not the retention (tests/stores/test_influx_rollups.py is about
# the policies check --init creates by default).
CONTRACT_OPTIONS = {"vitals": KEEP_FOR_EVER}
_test_numbers = itertools.count(1)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        store = getattr(metafunc.module, "STORE", None)
        backends = [EMBEDDED, *real_backends(store)]
        metafunc.parametrize("backend", [pytest.param(b, id=b.name, marks=_marks(b))
                                         for b in backends], indirect=True)


def _marks(backend: Backend) -> list[pytest.MarkDecorator]:
    if backend.name not in JAVA_BACKENDS:
        return []
    # its server is asked for by name at run time (`store_config`), so the collection's hook in
    # tests/conftest.py does not see it: the same worker as every other Java-server test
    return [pytest.mark.timeout(START_TIMEOUT_S), pytest.mark.xdist_group(GROUP)]


@pytest.fixture
def backend(request) -> Backend:
    return request.param


@pytest.fixture
def store_config(backend, request, tmp_path) -> StoreConfig:
    """Where this test's stores live: an empty store on the backend's server, the rest embedded."""
    urls = dict.fromkeys(STORE_NAMES, "embedded")
    secrets = {}
    if backend.store:
        server = request.getfixturevalue(backend.server_fixture)
        url = server.fresh_url(f"t{next(_test_numbers)}")
        if backend.store in CONTRACT_OPTIONS:
            url += ("&" if "?" in url else "?") + CONTRACT_OPTIONS[backend.store]
        urls[backend.store] = accept_plain(backend.store, url, server.secret)
        if server.secret:
            secrets[backend.store] = server.secret
    return StoreConfig(data_dir=tmp_path / "data", urls=urls, secrets=secrets)


@pytest_asyncio.fixture
async def open_backend(backend, store_config):
    """Opens the backend's five stores on this test's data, as often as asked; closes them all.
    The first opening creates the real store's schema, as `ward-station check --init` would."""
    opened: list[Stores] = []

    async def open_again() -> Stores:
        stores = await open_stores(store_config)
        if not opened and backend.store:
            await getattr(stores, backend.store).prepare(create=True)
        opened.append(stores)
        return stores

    yield open_again
    for stores in opened:
        await stores.close()


@pytest_asyncio.fixture
async def stores(open_backend) -> Stores:
    return await open_backend()


@pytest_asyncio.fixture
async def reopen(open_backend):
    """Close the given stores and open the same data again: what survives a restart."""

    async def close_and_open(stores: Stores) -> Stores:
        await stores.close()
        return await open_backend()

    return close_and_open
