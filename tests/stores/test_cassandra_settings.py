"""The Cassandra analytics URL's options, and the driver's Cluster built from them."""

from __future__ import annotations

import ssl
import subprocess
import sys

import pytest
import trustme
from cassandra import ConsistencyLevel
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy
from cassandra.query import dict_factory

from stores.analytics.cassandra_cluster import build_cluster, reactor
from stores.analytics.cassandra_settings import CassandraSettings
from stores.urls import StoreUrlError, parse_store_url


def settings(text: str) -> CassandraSettings:
    return CassandraSettings.from_url(parse_store_url("analytics", text))


def test_the_defaults_write_at_local_quorum_and_read_at_local_one():
    found = settings("cassandra://ward@c1,c2/ward_analytics?dc=dc1")

    assert (found.hosts, found.keyspace, found.datacenter, found.username) == (
        (("c1", 9042), ("c2", 9042)), "ward_analytics", "dc1", "ward")
    assert found.replication == (("dc1", 3),)
    assert (found.write_consistency, found.read_consistency) == (
        ConsistencyLevel.LOCAL_QUORUM, ConsistencyLevel.LOCAL_ONE)
    assert (found.tls, found.timeout_s, found.fetch_size) == (False, 5.0, 1000)


def test_options_set_replication_levels_and_timeouts():
    found = settings("cassandra://c1:9142/ks?dc=dc2&replication=dc1:3,dc2:2&write_consistency=all"
                     "&read_consistency=local_quorum&timeout=2.5&fetch_size=50")

    assert found.replication == (("dc1", 3), ("dc2", 2))
    assert (found.write_consistency, found.read_consistency) == (
        ConsistencyLevel.ALL, ConsistencyLevel.LOCAL_QUORUM)
    assert (found.port, found.timeout_s, found.fetch_size) == (9142, 2.5, 50)


@pytest.mark.parametrize("text, problem", [
    ("cassandra://c1/ward_analytics", "name the local datacenter"),
    ("cassandra://c1/ward-analytics?dc=dc1", "keyspace 'ward-analytics'"),
    ("cassandra://c1/ks?dc=dc1&write_consistency=MOST", "is not a consistency level"),
    ("cassandra://c1/ks?dc=dc1&replication=dc1", "write datacenter:replicas pairs"),
    ("cassandra://c1/ks?dc=dc1&replication=dc1:three", "write datacenter:replicas pairs"),
    ("cassandra://c1/ks?dc=dc1&timeout=soon", "?timeout=soon must be a number of seconds above 0"),
    ("cassandra://c1:9042,c2:9043/ks?dc=dc1", "the same port"),
    ("cassandra://c1/ks?dc=dc1&tls=true&ca=/nowhere/ca.pem", "no such file"),
])
def test_options_that_cannot_be_used_name_the_problem(text, problem):
    with pytest.raises(StoreUrlError) as raised:
        settings(text)

    assert str(raised.value).startswith("stores.analytics: ")
    assert problem in str(raised.value)


def test_the_cluster_routes_to_replicas_of_the_local_datacenter_with_the_password():
    cluster = build_cluster(settings("cassandra://ward@127.0.0.1:9142/ks?dc=dc1&timeout=3"), "pw")
    try:
        profile = cluster.profile_manager.default
        assert isinstance(profile.load_balancing_policy, TokenAwarePolicy)
        local = profile.load_balancing_policy._child_policy
        assert isinstance(local, DCAwareRoundRobinPolicy) and local.local_dc == "dc1"
        assert (profile.row_factory, profile.request_timeout) == (dict_factory, 3.0)
        assert profile.consistency_level == ConsistencyLevel.LOCAL_ONE
        assert (cluster.port, cluster.connect_timeout) == (9142, 3.0)
        credentials = cluster.auth_provider
        assert (credentials.username, credentials.password) == ("ward", "pw")
        assert cluster.ssl_context is None
        assert cluster.connection_class is reactor()
    finally:
        cluster.shutdown()


def test_tls_checks_the_certificate_and_host_name_against_the_given_ca(tmp_path):
    ca = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca))  # a CA of the test's own: any will do
    cluster = build_cluster(settings(f"cassandra://127.0.0.1/ks?dc=dc1&ca={ca}"), None)
    try:
        assert cluster.ssl_context.verify_mode == ssl.CERT_REQUIRED
        assert cluster.ssl_context.check_hostname is True
        assert cluster.auth_provider is None
    finally:
        cluster.shutdown()


def test_the_driver_imports_without_deprecated_modules_and_runs_on_libev():
    # asyncore (deprecated in 3.11, gone in 3.12) must not be what the driver loads where its
    # wheel brings libev (Linux); elsewhere the driver falls back to it.
    try:
        from cassandra.io.libevreactor import LibevConnection  # noqa: F401
    except Exception as exc:  # the driver raises its DependencyException, not an ImportError
        pytest.skip(f"the driver has no libev here: {exc}")
    code = ("import cassandra.cluster, stores.analytics.cassandra, sys; "
            "from stores.analytics.cassandra_cluster import reactor; "
            "print(reactor().__name__, 'asyncore' in sys.modules)")
    done = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code],
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["LibevConnection", "False"]
