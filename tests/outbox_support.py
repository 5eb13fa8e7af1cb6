"""A real store that can be taken away: an embedded store behind the outbox, as a station with a
real server has it, without starting the server."""

from __future__ import annotations

import inspect

from stores.embedded_db import EmbeddedDb
from stores.errors import StoreUnavailable
from stores.model import HealthState, StoreHealth
from stores.outbox import DEFAULT_LIMIT, Outbox
from stores.outbox.wrappers import OutboxedPatients
from stores.patients.embedded import EmbeddedPatientStore

REASON = "cannot reach the server: connection refused"


class Away:
    """Passes every call to `inner`, or raises StoreUnavailable while `away`."""

    def __init__(self, inner, store: str = "patients") -> None:
        self.inner = inner
        self.store = store
        self.away = False

    async def health(self) -> StoreHealth:
        if self.away:  # as a real store says it: down, with the reason, never raised
            return StoreHealth(self.store, "real", HealthState.DOWN, reason=REASON)
        return await self.inner.health()

    def __getattr__(self, name: str):
        method = getattr(self.inner, name)
        if not inspect.iscoroutinefunction(method):
            return method  # subscriptions and counters: the embedded stand-in's own

        async def call(*args, **kwargs):
            if self.away and name not in ("close",):
                raise StoreUnavailable(REASON)
            return await method(*args, **kwargs)

        return call


def outboxed_patients(db: EmbeddedDb, limit: int = DEFAULT_LIMIT) -> tuple[OutboxedPatients, Away]:
    """A patient store behind the outbox, and the switch that takes its server away."""
    server = Away(EmbeddedPatientStore(db))
    store = OutboxedPatients(server, "patients", Outbox(db), limit)
    store.courier.start()
    return store, server
