"""A real backend described without its driver: how its URL reads, how it is opened, how its
writes wait in the outbox.

Each backend declares one `BackendSpec` in its store's folder (`stores/vitals/influx/spec.py`...)
and `stores/backends.py` lists them; the URL rules, the factories of `open_stores` and the test
fixtures are built from that list. A spec names its factory and outbox wrapper as
"module:attribute" text, imported only when the backend is opened, so reading the specs imports
no driver.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stores.outbox.wrappers import Outboxed
    from stores.store import Store

# a backend's `async def open_store(url, secret, **takes)`; what it takes differs by backend
OpenStore = Callable[..., Awaitable["Store"]]


@dataclass(frozen=True)
class PathRule:
    """What the path of a backend's URL names (a database, a keyspace...)."""

    what: str
    default: str | None = None  # when the URL names none; None: the URL must name it
    example: str = ""  # a name for the message that asks for one
    # scheme -> what to say when a URL of that scheme names nothing (there is no default then)
    required_by: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BackendSpec:
    """One real backend of one store, as the station chooses, checks and opens it."""

    store: str  # "vitals"
    name: str  # "influxdb": as its health names it, and the contract tests' id
    server: str  # "InfluxDB": as people name it
    schemes: Mapping[str, int]  # URL scheme -> default port
    path: PathRule
    # The query options the backend reads (in its settings module); any other is refused, so
    # that a misspelt option is not silently ignored and a secret put in the query is not
    # printed with the URL. None: the driver checks its options itself (PyMongo).
    options: frozenset[str] | None
    # "module:open_store": `async def open_store(url, secret, **takes)`, which builds the store
    # without waiting for the server (a station starts with its servers down)
    factory: str
    outbox: str  # "module:Class" wrapping the store so that its writes wait in the outbox
    tls_schemes: frozenset[str] = frozenset()  # schemes that always mean TLS
    tls_options: tuple[str, ...] = ("tls",)  # options whose true value asks for TLS
    # option (lower case) -> whether a true (or a false) value turns the check of the server's
    # certificate or host name off; and the schemes that do it by themselves
    unverifying: Mapping[str, bool] = field(default_factory=dict)
    unverifying_schemes: frozenset[str] = frozenset()
    takes: tuple[str, ...] = ()  # what `open_store` also takes from StoreConfig, by name

    def open_store(self) -> OpenStore:
        """The backend's `open_store`, imported now (with its driver); ImportError where the
        driver is not installed."""
        open_store: OpenStore = _load(self.factory)
        return open_store

    def outbox_wrapper(self) -> type[Outboxed[Any]]:
        wrapper: type[Outboxed[Any]] = _load(self.outbox)
        return wrapper


def _load(where: str) -> Any:  # whatever the named module holds: the caller says what
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)
