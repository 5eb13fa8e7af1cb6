"""Fixtures for the stores' contract tests: the same tests run against every backend in BACKENDS.

To add a real backend, append a `pytest.param(Backend(...), id=..., marks=...)` whose `open`
starts from an empty store (for example a fresh database on a server started by a fixture) and,
opened again with the same folder, reaches the same data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from stores import StoreConfig, Stores, open_stores


@dataclass(frozen=True)
class Backend:
    name: str
    open: Callable[[Path], Awaitable[Stores]]


async def _open_embedded(data_dir: Path) -> Stores:
    return await open_stores(StoreConfig(data_dir=data_dir))


BACKENDS = [
    pytest.param(Backend("embedded", _open_embedded), id="embedded"),
]


@pytest.fixture(params=BACKENDS)
def backend(request) -> Backend:
    return request.param


@pytest_asyncio.fixture
async def open_backend(backend, tmp_path):
    """Opens the backend's five stores on this test's data, as often as asked; closes them all."""
    opened: list[Stores] = []

    async def open_again() -> Stores:
        stores = await backend.open(tmp_path / "data")
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
