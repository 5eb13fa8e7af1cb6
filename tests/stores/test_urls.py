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
