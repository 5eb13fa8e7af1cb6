"""Every real backend the station can use: the specs their folders declare (no driver imported).

Adding a backend is its folder's code and spec, and one line here.
"""

from __future__ import annotations

from stores.alerts.redis_spec import SPEC as REDIS
from stores.analytics.cassandra_spec import SPEC as CASSANDRA
from stores.backend_spec import BackendSpec
from stores.network.neo4j_spec import SPEC as NEO4J
from stores.patients.mongo_spec import SPEC as MONGODB
from stores.vitals.influx.spec import SPEC as INFLUXDB

SPECS: tuple[BackendSpec, ...] = (INFLUXDB, MONGODB, NEO4J, CASSANDRA, REDIS)


def specs_of(store: str) -> list[BackendSpec]:
    """The real backends of `store`, in the order above."""
    return [spec for spec in SPECS if spec.store == store]


def spec_for(store: str, scheme: str) -> BackendSpec | None:
    """The backend of `store` whose URLs start with `scheme` (lower case), or None."""
    return next((spec for spec in specs_of(store) if scheme in spec.schemes), None)
