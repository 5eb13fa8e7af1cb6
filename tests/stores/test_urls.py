"""Store URLs: every form the issue names parses; every mistake names the store and the fix."""

from __future__ import annotations

import pytest

from stores import StoreConfig, StoreUrlError, parse_store_url


@pytest.mark.parametrize(("store", "url", "hosts", "path"), [
    ("patients", "mongodb://m1:27017,m2:27017,m3:27017/ward?replicaSet=rs0",
     [("m1", 27017), ("m2", 27017), ("m3", 27017)], "ward"),
    ("vitals", "influxdb://influx:8086/vitals", [("influx", 8086)], "vitals"),
    ("vitals", "influxdbs://influx/vitals", [("influx", 8086)], "vitals"),
    ("network", "neo4j://neo4j:7687", [("neo4j", 7687)], ""),
    ("network", "neo4j+s://graph.example.org/care", [("graph.example.org", 7687)], "care"),
    ("analytics", "cassandra://c1,c2:9042/ward_analytics?dc=dc1", [("c1", 9042), ("c2", 9042)],
     "ward_analytics"),
    ("alerts", "redis://host:6379/0", [("host", 6379)], "0"),
    ("alerts", "redis://host", [("host", 6379)], "0"),
    ("alerts", "redis+sentinel://s1:26379,s2:26379/mymaster", [("s1", 26379), ("s2", 26379)],
     "mymaster"),
    ("alerts", "redis://[::1]:7000/2", [("::1", 7000)], "2"),
])
def test_the_urls_of_each_store(store, url, hosts, path):
    parsed = parse_store_url(store, url)
    assert list(parsed.hosts) == hosts
    assert parsed.path == path
    assert str(parsed) == url


def test_user_options_and_tls():
    url = parse_store_url("vitals", "influxdbs://ward%20station@influx/vitals?ca=/etc/ca.pem")
    assert url.username == "ward station"
    assert url.option("ca") == "/etc/ca.pem"
    assert url.tls
    assert not parse_store_url("vitals", "influxdb://influx/vitals").tls
    assert parse_store_url("analytics", "cassandra://c1/ks?tls=true").tls


@pytest.mark.parametrize(("store", "url", "words"), [
    ("patients", "mysql://db/ward", "must start with mongodb://"),
    ("alerts", "redis//host", "must start with redis:// or rediss://"),
    ("patients", "mongodb://nurse:s3cr3t@m1/ward", "carries a password"),
    ("vitals", "influxdb://influx:http/vitals", "the port must be a number"),
    ("vitals", "influxdb://influx:0/vitals", "the port must be a number"),
    ("analytics", "cassandra://c1:9042", "must name the keyspace"),
    ("alerts", "redis+sentinel://s1:26379", "must name the master"),
    ("alerts", "redis:///0", "names no server"),
    ("network", "neo4j://:7687", "has no host name"),
])
def test_a_bad_url_names_the_store_and_the_problem(store, url, words):
    with pytest.raises(StoreUrlError, match=words.replace("+", r"\+")) as refused:
        parse_store_url(store, url)
    assert str(refused.value).startswith(f"stores.{store}: ")
    assert "s3cr3t" not in str(refused.value)


def test_embedded_has_no_url(tmp_path):
    assert StoreConfig(data_dir=tmp_path).url("vitals") is None


SECRET = "S3cretPW"


@pytest.mark.parametrize(("store", "url", "words"), [
    ("patients", f"mongodb+srv://nurse:{SECRET}@h/ward", "carries a password"),  # wrong scheme
    ("patients", f"mysql://nurse:{SECRET}@h/ward", "carries a password"),
    ("alerts", f"redis://nurse:{SECRET}@[::1/0", "carries a password"),  # malformed too
    ("patients", f"mongodb+srv://h/ward?x={SECRET}", "'mongodb+srv://' is not a patients URL"),
    ("patients", SECRET, "must start with mongodb://"),
    ("vitals", f"{SECRET}://influx/vitals", "must start with influxdb://"),
    ("vitals", f"influxdb://influx/vitals?token={SECRET}", "carries a secret (?token=)"),
    ("alerts", f"redis://r/0?password={SECRET}", "carries a secret (?password=)"),
    ("patients", f"mongodb://m1/ward?tlsCertificateKeyFilePassword={SECRET}", "carries a secret"),
    ("patients", f"mongodb://m1/ward?authMechanismProperties=AWS_SESSION_TOKEN:{SECRET}",
     "carries a secret"),
    ("network", f"neo4j://n1?{SECRET}", "not name=value"),
    ("analytics", f"cassandra://c1/ks?dc=dc1&{SECRET}", "not name=value"),
    ("alerts", f"redis://{SECRET}[::1/0", "the URL is malformed"),
    ("alerts", "redis://[::1/0", "write an IPv6 address in brackets"),
    ("network", f"neo4j://n1:7687,[{SECRET}/care", "the URL is malformed"),
])
def test_no_error_repeats_a_secret_or_the_raw_url(store, url, words):
    with pytest.raises(StoreUrlError) as refused:
        parse_store_url(store, url)

    assert words in str(refused.value)
    assert SECRET not in str(refused.value)
    assert str(refused.value).startswith(f"stores.{store}: ")


@pytest.mark.parametrize(("store", "url", "words"), [
    ("vitals", "influxdb://influx/vitals?bacth=100",
     "InfluxDB URLs have no option 'bacth' (known: batch, ca, insecure, org, retention, "
     "rollup_retention, rollup_rp, rp, timeout, tls, verify, waveform_retention, waveform_rp)"),
    ("network", "neo4j://n1?timout=3", "Neo4j URLs have no option 'timout' (known: ca, insecure, "
                                       "timeout, tls)"),
    ("analytics", "cassandra://c1/ks?dc=dc1&consistency=ONE",
     "Cassandra URLs have no option 'consistency' (known: ca, check_hostname, dc, fetch_size, "
     "insecure, "
     "read_consistency, replication, timeout, tls, write_consistency)"),
    ("alerts", "redis://r/0?wait=2", "Redis URLs have no option 'wait' (known: insecure, sentinel_auth,"),
])
def test_an_option_the_backend_does_not_read_is_refused_listing_the_known_ones(store, url, words):
    with pytest.raises(StoreUrlError) as refused:
        parse_store_url(store, url)

    assert str(refused.value) == f"stores.{store}: {words}" or words in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(("store", "url"), [
    ("vitals", "influxdbs://influx/vitals?ca=/etc/ca.pem&verify=false&rp=autogen&batch=100"
               "&timeout=5&org=ward&retention=30d&tls=true"),
    ("network", "neo4j://n1?timeout=3&tls=true&ca=/etc/ca.pem"),
    ("analytics", "cassandra://c1/ks?dc=dc1&replication=dc1:3&write_consistency=ONE"
                  "&read_consistency=ONE&tls=true&ca=/ca.pem&check_hostname=true&timeout=3"
                  "&fetch_size=10"),
    ("alerts", "rediss://r/0?wait_replicas=1&wait_timeout_ms=500&stream_maxlen=1000"
               "&timeout_ms=900&sentinel_auth=false&tls_ca=/ca&tls_cert=/c&tls_key=/k"
               "&tls_verify=false&tls_check_hostname=false&tls=true"),
    ("patients", "mongodb://m1/ward?replicaSet=rs0&anythingPyMongoChecks=1"),
])
def test_every_option_a_backend_reads_is_accepted(store, url):
    assert parse_store_url(store, url).options


def test_the_known_options_are_those_the_backends_read():
    """A drift guard: every `url.option("name")` in a backend's code is in its store's list."""
    import re
    from pathlib import Path

    from stores.backends import SPECS

    root = Path(__file__).parents[2]
    checked = [spec for spec in SPECS if spec.options is not None]  # PyMongo checks its own
    assert {spec.store for spec in checked} == {"vitals", "network", "analytics", "alerts"}
    for spec in checked:
        read = set()
        folder = root / spec.factory.partition(":")[0].rpartition(".")[0].replace(".", "/")
        for source in folder.glob("*.py"):
            read |= set(re.findall(r"""option\(\s*(?:url,\s*)?["']([A-Za-z_]+)["']""",
                                   source.read_text()))
        assert read, spec.name
        assert read - {"database"} <= spec.options, (spec.name, read - spec.options)


@pytest.mark.parametrize("timeout", ["inf", "nan", "-1", "0", "1e9", "601", "soon"])
@pytest.mark.parametrize("store, url", [
    ("vitals", "influxdb://127.0.0.1/vitals?timeout={}"),
    ("analytics", "cassandra://c1/ks?dc=dc1&timeout={}"),
])
def test_a_timeout_without_a_finite_deadline_is_refused_naming_the_option(store, url, timeout):
    from stores.analytics.cassandra_settings import CassandraSettings
    from stores.vitals.influx.config import influx_settings

    read = {"vitals": influx_settings, "analytics": CassandraSettings.from_url}[store]
    with pytest.raises(StoreUrlError, match=r"\?timeout=.* must be a number of seconds above 0 "
                                            r"and at most 600"):
        read(parse_store_url(store, url.format(timeout)))


PLAIN_WITH_A_SECRET = [
    ("vitals", "influxdb://influx/vitals"),
    ("patients", "mongodb://ward@m1/ward?replicaSet=rs0"),
    ("patients", "mongodb://ward@m1/ward?tls=false"),
    ("network", "neo4j://n1"),
    ("network", "bolt://n1"),
    ("analytics", "cassandra://ward@c1/ks?dc=dc1"),
    ("alerts", "redis://r/0"),
    ("alerts", "redis+sentinel://s1:26379/mymaster"),
]
UNVERIFIED_WITH_A_SECRET = [
    ("vitals", "influxdbs://influx/vitals?verify=false"),
    ("patients", "mongodb://ward@m1/ward?tls=true&tlsAllowInvalidHostnames=true"),
    ("patients", "mongodb://ward@m1/ward?ssl=true&tlsinsecure=true"),
    ("network", "neo4j+ssc://n1"),
    ("analytics", "cassandra://ward@c1/ks?dc=dc1&tls=true&check_hostname=false"),
    ("alerts", "rediss://r/0?tls_check_hostname=false"),
    ("alerts", "rediss://r/0?tls_verify=no"),
]


@pytest.mark.parametrize(("store", "url"), PLAIN_WITH_A_SECRET + UNVERIFIED_WITH_A_SECRET)
def test_a_secret_is_not_sent_unprotected_unless_the_url_says_insecure(store, url):
    from stores.urls import check_transport, insecurity

    parsed = parse_store_url(store, url)
    with pytest.raises(StoreUrlError, match="add insecure=true") as refused:
        check_transport(parsed, SECRET)
    assert SECRET not in str(refused.value)
    accepted = parse_store_url(store, url + ("&" if "?" in url else "?") + "insecure=true")
    check_transport(accepted, SECRET)
    assert insecurity(accepted, SECRET).startswith("INSECURE (insecure=true)")


@pytest.mark.parametrize(("store", "url"), [
    ("vitals", "influxdbs://influx/vitals?ca=/etc/ca.pem"),
    ("patients", "mongodb://ward@m1/ward?tls=true"),
    ("network", "neo4j+s://n1"),
    ("network", "neo4j://n1?tls=true"),
    ("analytics", "cassandra://ward@c1/ks?dc=dc1&tls=true"),
    ("alerts", "rediss://r/0"),
])
def test_tls_with_the_server_checked_carries_a_secret_and_is_not_called_insecure(store, url):
    from stores.urls import check_transport, insecurity

    parsed = parse_store_url(store, url)
    check_transport(parsed, SECRET)
    assert insecurity(parsed, SECRET) is None


def test_without_a_secret_a_plain_connection_is_fine_and_not_called_insecure():
    from stores.urls import check_transport, insecurity

    for store, url in PLAIN_WITH_A_SECRET:
        check_transport(parse_store_url(store, url), None)
        assert insecurity(parse_store_url(store, url), None) is None
    unchecked = parse_store_url("vitals", "influxdbs://influx/vitals?verify=false")
    assert "verify=false" in insecurity(unchecked, None)


def test_host_names_are_checked_by_default():
    from stores.alerts.redis_conn import _tls_options
    from stores.analytics.cassandra_settings import CassandraSettings

    assert _tls_options(parse_store_url("alerts", "rediss://r/0"))["ssl_check_hostname"] is True
    assert CassandraSettings.from_url(
        parse_store_url("analytics", "cassandra://c1/ks?dc=dc1&tls=true")).check_hostname


@pytest.mark.asyncio
async def test_open_stores_refuses_a_plain_url_with_a_secret_before_connecting(tmp_path):
    from stores import open_stores

    config = StoreConfig(data_dir=tmp_path, urls={"vitals": "influxdb://127.0.0.1:1/vitals"},
                         secrets={"vitals": SECRET})
    with pytest.raises(StoreUrlError, match="stores.vitals: a plain connection would send"):
        await open_stores(config)
    insecure = StoreConfig(data_dir=tmp_path,
                           urls={"vitals": "influxdb://127.0.0.1:1/vitals?insecure=true"},
                           secrets={"vitals": SECRET})
    assert list(insecure.insecure()) == ["vitals"]
    stores = await open_stores(insecure)
    await stores.close()
