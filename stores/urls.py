"""Store URLs: which server each store lives on, parsed and checked before anything connects.

A URL never carries a secret: passwords and tokens come to `open_stores` separately, so a URL
can be logged, shown in the window and printed by `ward-station check` as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

EMBEDDED = "embedded"

# store -> scheme -> default port
SCHEMES: dict[str, dict[str, int]] = {
    "patients": {"mongodb": 27017},
    "vitals": {"influxdb": 8086, "influxdbs": 8086},
    "network": {"neo4j": 7687, "neo4j+s": 7687, "neo4j+ssc": 7687, "bolt": 7687, "bolt+s": 7687},
    "analytics": {"cassandra": 9042},
    "alerts": {"redis": 6379, "rediss": 6379, "redis+sentinel": 26379, "rediss+sentinel": 26379},
}

TLS_SCHEMES = frozenset({"influxdbs", "neo4j+s", "neo4j+ssc", "bolt+s", "rediss", "rediss+sentinel"})

# what the path of the URL names, per store (the URL must name it, except where a default is given)
_PATH = {
    "patients": ("database", None),
    "vitals": ("database", None),
    "network": ("database", ""),  # "" is the server's default database
    "analytics": ("keyspace", None),
    "alerts": ("database", "0"),  # redis: db number; sentinel: master name then optional db
}


class StoreUrlError(ValueError):
    """A store URL that cannot be used; the message names the store and the problem."""

    def __init__(self, store: str, problem: str) -> None:
        super().__init__(f"stores.{store}: {problem}")
        self.store = store
        self.problem = problem


@dataclass(frozen=True)
class StoreUrl:
    """A parsed store URL: scheme, servers, what the path names, the user, and options."""

    store: str
    scheme: str
    hosts: tuple[tuple[str, int], ...]
    path: str
    username: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the URL as configured (it holds no secret)

    @property
    def tls(self) -> bool:
        """TLS asked for by the scheme (`influxdbs`, `neo4j+s`, `rediss`...) or by `?tls=true`."""
        return self.scheme in TLS_SCHEMES or _true(self.options.get("tls", ""))

    @property
    def addresses(self) -> list[str]:
        return [f"{host}:{port}" for host, port in self.hosts]

    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name, default)

    def __str__(self) -> str:
        return self.text


def _true(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


def parse_store_url(store: str, text: str) -> StoreUrl:
    """Parse the URL configured for `store`; raises StoreUrlError naming what is wrong."""
    if store not in SCHEMES:
        raise StoreUrlError(store, f"unknown store (known: {', '.join(SCHEMES)})")
    text = text.strip()
    scheme, sep, _ = text.partition("://")
    ports = SCHEMES[store]
    if not sep or scheme.lower() not in ports:
        raise StoreUrlError(store, f"{text!r} is not a {store} URL; it must start with "
                            + " or ".join(f"{s}://" for s in ports) + ' (or be "embedded")')
    parts = urlsplit(text)
    if parts.password is not None:
        raise StoreUrlError(store, "the URL carries a password; put it in the environment variable "
                            f"WARD_STATION_{store.upper()}_PASSWORD or the OS keyring instead")
    hosts = tuple(_host(store, h, ports[scheme.lower()]) for h in _netloc_hosts(parts.netloc))
    if not hosts:
        raise StoreUrlError(store, f"{text!r} names no server")
    return StoreUrl(store=store, scheme=scheme.lower(), hosts=hosts, path=_path(store, parts.path),
                    username=unquote(parts.username) if parts.username else None,
                    options=dict(parse_qsl(parts.query)), text=text) \
        if not scheme.lower().endswith("+sentinel") or parts.path.strip("/") \
        else _no_master(store)


def _no_master(store: str) -> StoreUrl:
    raise StoreUrlError(store, "a Sentinel URL must name the master after the servers, "
                        "for example redis+sentinel://s1:26379,s2:26379/mymaster")


def _netloc_hosts(netloc: str) -> list[str]:
    hosts = netloc.rpartition("@")[2]
    return [h for h in hosts.split(",") if h.strip()] if hosts else []


def _host(store: str, text: str, default_port: int) -> tuple[str, int]:
    text = text.strip()
    if text.startswith("["):  # [::1]:port
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, _, port_text = text.partition(":")
    if not host:
        raise StoreUrlError(store, f"server {text!r} has no host name")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise StoreUrlError(store, f"server {text!r}: the port must be a number from 1 to 65535")
    return host, int(port_text)


def _path(store: str, path: str) -> str:
    what, default = _PATH[store]
    path = unquote(path.strip("/"))
    if not path:
        if default is None:
            raise StoreUrlError(store, f"the URL must name the {what} after the servers, "
                                f"for example .../{'ward' if store == 'patients' else store}")
        return default
    return path
