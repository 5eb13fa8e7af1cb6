"""The Redis alarm bus as the station chooses and opens it (imports no driver)."""

from stores.backend_spec import BackendSpec, PathRule

_NO_MASTER = ("a Sentinel URL must name the master after the servers, for example "
              "redis+sentinel://s1:26379,s2:26379/mymaster")

SPEC = BackendSpec(
    store="alerts", name="redis", server="Redis",
    schemes={"redis": 6379, "rediss": 6379, "redis+sentinel": 26379, "rediss+sentinel": 26379},
    tls_schemes=frozenset({"rediss", "rediss+sentinel"}),
    # redis: the db number; Sentinel: the master's name, then the db number if not 0
    path=PathRule("database", default="0",
                  required_by={"redis+sentinel": _NO_MASTER, "rediss+sentinel": _NO_MASTER}),
    # read in stores/alerts/redis_conn.py
    options=frozenset({"insecure", "tls", "wait_replicas", "wait_timeout_ms", "stream_maxlen",
                       "timeout_ms", "sentinel_auth", "tls_ca", "tls_cert", "tls_key",
                       "tls_verify", "tls_check_hostname"}),
    unverifying={"tls_verify": False, "tls_check_hostname": False},
    takes=("alarm_keys",),  # region -> its signing keys
    factory="stores.alerts.redis:open_store", outbox="stores.outbox.wrappers:OutboxedAlerts",
)
