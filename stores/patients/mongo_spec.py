"""The MongoDB patients backend as the station chooses and opens it (imports no driver)."""

from stores.backend_spec import BackendSpec, PathRule

SPEC = BackendSpec(
    store="patients", name="mongodb", server="MongoDB",
    schemes={"mongodb": 27017}, tls_options=("tls", "ssl"),
    path=PathRule("database", example="ward"),
    # PyMongo checks MongoDB's options itself (build_client turns its refusal into
    # StoreUrlError); `insecure` is taken out before PyMongo sees them.
    options=None,
    unverifying={"tlsinsecure": True, "tlsallowinvalidcertificates": True,
                 "tlsallowinvalidhostnames": True},
    factory="stores.patients.mongo:open_store", outbox="stores.outbox.wrappers:OutboxedPatients",
)
