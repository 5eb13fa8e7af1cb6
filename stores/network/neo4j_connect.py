"""Building the Neo4j driver from a store URL: address, user, TLS, and time limits short
enough that a call fails within seconds while the cluster is down.

Options in the URL's query: `timeout` (seconds a call may take, default 5), `tls=true` and
`ca=/path/ca.pem` for TLS with the plain `neo4j://`/`bolt://` schemes (the `+s` and `+ssc`
schemes carry their own TLS settings). Several servers (`neo4j://n1,n2,n3:7687`) are all tried
as routers when the driver first looks for the cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import neo4j

from stores.urls import StoreUrl, StoreUrlError

DEFAULT_USER = "neo4j"
DEFAULT_TIMEOUT_S = 5.0
# the driver's resolver: an address to the addresses to try for it
Resolver = Callable[[neo4j.Address], Sequence[tuple[Any, ...]]]


def call_timeout_s(url: StoreUrl) -> float:
    """The most a call may take, from `?timeout=` (seconds)."""
    text = url.option("timeout")
    try:
        timeout_s = DEFAULT_TIMEOUT_S if text is None else float(text)
    except ValueError:
        timeout_s = 0.0
    if not 0.0 < timeout_s <= 600.0:
        raise StoreUrlError("network", f"timeout={text!r}: give the seconds a call may take, "
                            "for example ?timeout=5")
    return timeout_s


def driver_uri(url: StoreUrl) -> str:
    if len(url.hosts) > 1 and url.scheme.startswith("bolt"):
        raise StoreUrlError("network", f"{url.scheme}:// talks to one server; use neo4j:// "
                            "to name several servers of a cluster")
    return f"{url.scheme}://{_address(url.hosts[0])}"


def driver_config(url: StoreUrl, secret: str | None, timeout_s: float) -> dict[str, Any]:
    """Keyword arguments for `AsyncGraphDatabase.driver`."""
    config: dict[str, Any] = {
        "auth": neo4j.basic_auth(url.username or DEFAULT_USER, secret) if secret else None,
        "user_agent": "ward-station",
        # A quarter each for connecting and for retrying (the driver's retries back off 1 s,
        # 2 s...), so a refused or silent server is reported well before `timeout_s`.
        "connection_timeout": timeout_s / 4,
        "max_transaction_retry_time": timeout_s / 4,
        "connection_acquisition_timeout": timeout_s,
        **_tls(url),
    }
    if len(url.hosts) > 1:
        config["resolver"] = _seed_resolver(url.hosts)
    return config


def _tls(url: StoreUrl) -> dict[str, Any]:
    ca = url.option("ca")
    if "+" in url.scheme:
        if ca:
            raise StoreUrlError("network", f"{url.scheme}:// trusts the system's certificate "
                                "authorities; to trust your own, use neo4j://...?tls=true&ca=PATH")
        return {}
    if not (url.tls or ca):
        return {}
    trust = neo4j.TrustCustomCAs(ca) if ca else neo4j.TrustSystemCAs()
    return {"encrypted": True, "trusted_certificates": trust}


def _seed_resolver(hosts: tuple[tuple[str, int], ...]) -> Resolver:
    """Resolve the first configured server to all of them; the driver calls this for every
    router, so the cluster's own addresses pass through unchanged."""
    first = hosts[0]

    def resolve(address: neo4j.Address) -> Sequence[tuple[Any, ...]]:
        return list(hosts) if (address[0], address[1]) == first else [address]

    return resolve


def _address(host_port: tuple[str, int]) -> str:
    host, port = host_port
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
