"""The Cassandra analytics backend as the station chooses and opens it (imports no driver)."""

from stores.backend_spec import BackendSpec, PathRule

SPEC = BackendSpec(
    store="analytics", name="cassandra", server="Cassandra",
    schemes={"cassandra": 9042},
    path=PathRule("keyspace", example="analytics"),
    # read in stores/analytics/cassandra_settings.py
    options=frozenset({"insecure", "dc", "replication", "write_consistency", "read_consistency",
                       "tls", "ca", "check_hostname", "timeout", "fetch_size"}),
    unverifying={"check_hostname": False},
    factory="stores.analytics.cassandra:open_store",
    outbox="stores.outbox.wrappers:OutboxedAnalytics",
)
