"""The InfluxDB vitals backend as the station chooses and opens it (imports no driver)."""

from stores.backend_spec import BackendSpec, PathRule

SPEC = BackendSpec(
    store="vitals", name="influxdb", server="InfluxDB",
    schemes={"influxdb": 8086, "influxdbs": 8086}, tls_schemes=frozenset({"influxdbs"}),
    path=PathRule("database", example="vitals"),
    # read in stores/vitals/influx/config.py
    options=frozenset({"insecure", "tls", "ca", "verify", "rp", "batch", "timeout", "org",
                       "retention", "rollup_rp", "rollup_retention", "waveform_rp",
                       "waveform_retention"}),
    unverifying={"verify": False},
    factory="stores.vitals.influx.store:open_store", outbox="stores.outbox.wrappers:OutboxedVitals",
)
