"""From a network store URL to the Neo4j driver's settings: address, user, TLS, time limits."""

from __future__ import annotations

import neo4j
import pytest

from stores.network.neo4j_connect import call_timeout_s, driver_config, driver_uri
from stores.urls import StoreUrlError, parse_store_url


def url(text: str):
    return parse_store_url("network", text)


def config(text: str, secret: str | None = "pw"):
    parsed = url(text)
    return driver_config(parsed, secret, call_timeout_s(parsed))


@pytest.mark.parametrize(("text", "uri"), [
    ("neo4j://n1", "neo4j://n1:7687"),
    ("neo4j+s://db.example.org:7688/north", "neo4j+s://db.example.org:7688"),
    ("neo4j+ssc://n1:7687", "neo4j+ssc://n1:7687"),
    ("bolt://[::1]:7687", "bolt://[::1]:7687"),
    ("bolt+s://n1?timeout=3", "bolt+s://n1:7687"),
])
def test_the_driver_uri_has_scheme_and_first_server_and_nothing_else(text, uri):
    assert driver_uri(url(text)) == uri


def test_the_user_comes_from_the_url_and_the_password_from_the_secret():
    named, default = config("neo4j://ward@n1")["auth"], config("neo4j://n1")["auth"]

    assert (named.scheme, named.principal, named.credentials) == ("basic", "ward", "pw")
    assert default.principal == "neo4j"
    assert config("neo4j://n1", secret=None)["auth"] is None  # a server without auth


def test_time_limits_are_short_and_follow_the_timeout_option():
    default, short = config("neo4j://n1"), config("neo4j://n1?timeout=2")

    assert (default["connection_timeout"], default["max_transaction_retry_time"],
            default["connection_acquisition_timeout"]) == (1.25, 1.25, 5.0)
    assert (short["connection_timeout"], short["connection_acquisition_timeout"]) == (0.5, 2.0)


@pytest.mark.parametrize("timeout", ["soon", "0", "-1", "9999"])
def test_a_timeout_that_is_not_a_sensible_number_of_seconds_is_refused(timeout):
    with pytest.raises(StoreUrlError, match="timeout"):
        call_timeout_s(url(f"neo4j://n1?timeout={timeout}"))


def test_several_servers_are_all_tried_as_routers_at_first():
    resolve = config("neo4j://n1:7687,n2:7687,n3:7688")["resolver"]

    assert resolve(neo4j.Address(("n1", 7687))) == [("n1", 7687), ("n2", 7687), ("n3", 7688)]
    assert resolve(neo4j.Address(("core9", 7687))) == [("core9", 7687)]  # from the cluster
    assert "resolver" not in config("neo4j://n1")


def test_bolt_with_several_servers_is_refused():
    with pytest.raises(StoreUrlError, match="use neo4j://"):
        driver_uri(url("bolt://n1,n2"))


def test_tls_options_for_plain_schemes_and_none_for_schemes_that_carry_their_own():
    system, own = config("neo4j://n1?tls=true"), config("neo4j://n1?ca=/etc/ward/ca.pem")

    assert system["encrypted"] and isinstance(system["trusted_certificates"], neo4j.TrustSystemCAs)
    assert own["encrypted"] and isinstance(own["trusted_certificates"], neo4j.TrustCustomCAs)
    assert own["trusted_certificates"].certs == ("/etc/ward/ca.pem",)
    assert "encrypted" not in config("neo4j+s://n1") and "encrypted" not in config("bolt://n1")
    with pytest.raises(StoreUrlError, match="tls=true&ca="):
        config("neo4j+s://n1?ca=/etc/ward/ca.pem")


@pytest.mark.asyncio
async def test_the_real_driver_accepts_every_setting():
    # An unknown or misspelt setting would raise ConfigurationError here.
    for text in ("neo4j://ward@n1,n2?timeout=3", "neo4j://n1?tls=true", "neo4j+s://n1"):
        driver = neo4j.AsyncGraphDatabase.driver(driver_uri(url(text)), **config(text))
        await driver.close()
