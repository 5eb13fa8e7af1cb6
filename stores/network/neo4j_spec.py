"""The Neo4j care network backend as the station chooses and opens it (imports no driver)."""

from stores.backend_spec import BackendSpec, PathRule

SPEC = BackendSpec(
    store="network", name="neo4j", server="Neo4j",
    schemes={"neo4j": 7687, "neo4j+s": 7687, "neo4j+ssc": 7687, "bolt": 7687, "bolt+s": 7687},
    tls_schemes=frozenset({"neo4j+s", "neo4j+ssc", "bolt+s"}),
    path=PathRule("database", default=""),  # "" is the server's default database
    options=frozenset({"insecure", "tls", "ca", "timeout"}),  # read in neo4j_connect.py
    unverifying_schemes=frozenset({"neo4j+ssc"}),  # a self-signed certificate, not checked
    factory="stores.network.neo4j:open_store", outbox="stores.outbox.wrappers:OutboxedNetwork",
)
