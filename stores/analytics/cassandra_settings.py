"""What a `cassandra://` URL asks of the analytics store: servers, keyspace, datacenter, levels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cassandra import ConsistencyLevel

from stores.urls import StoreUrl, StoreUrlError, seconds_option

# Keyspace and datacenter names end up inside CQL text (DDL cannot take bind markers).
_KEYSPACE = re.compile(r"[A-Za-z0-9_]{1,48}")
_DATACENTER = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
DEFAULT_REPLICAS = 3


@dataclass(frozen=True)
class CassandraSettings:
    hosts: tuple[tuple[str, int], ...]
    keyspace: str
    datacenter: str  # the local one: LOCAL_* levels and the load-balancing policy use it
    replication: tuple[tuple[str, int], ...]  # (datacenter, replicas) for CREATE KEYSPACE
    write_consistency: int
    read_consistency: int
    username: str | None = None
    tls: bool = False
    ca_file: str | None = None
    check_hostname: bool = True
    timeout_s: float = 5.0  # per request and per connection attempt
    fetch_size: int = 1000  # rows per page of a read

    @property
    def addresses(self) -> list[str]:
        return [f"{host}:{port}" for host, port in self.hosts]

    @property
    def port(self) -> int:
        return self.hosts[0][1]

    @classmethod
    def from_url(cls, url: StoreUrl) -> CassandraSettings:
        """The settings of `url`; raises StoreUrlError naming the option that cannot be used."""
        if len({port for _, port in url.hosts}) > 1:
            raise _error("every Cassandra server must listen on the same port (the driver "
                         "takes one port for the whole cluster)")
        if not _KEYSPACE.fullmatch(url.path):
            raise _error(f"keyspace {url.path!r}: use 1 to 48 letters, digits or underscores")
        datacenter = url.option("dc") or ""
        if not _DATACENTER.fullmatch(datacenter):
            raise _error("name the local datacenter, for example "
                         "cassandra://c1,c2:9042/ward_analytics?dc=dc1")
        ca_file = url.option("ca")
        if ca_file is not None and not Path(ca_file).is_file():
            raise _error(f"ca={ca_file!r}: no such file (the CA certificate for TLS)")
        return cls(
            hosts=url.hosts, keyspace=url.path, datacenter=datacenter,
            replication=_replication(url.option("replication", f"{datacenter}:{DEFAULT_REPLICAS}")),
            write_consistency=_level(url, "write_consistency", "LOCAL_QUORUM"),
            read_consistency=_level(url, "read_consistency", "LOCAL_ONE"),
            username=url.username, tls=url.tls or ca_file is not None, ca_file=ca_file,
            check_hostname=_flag(url.option("check_hostname", "true")),
            timeout_s=seconds_option(url, "timeout", 5.0),
            fetch_size=int(_number(url, "fetch_size", 1000)),
        )


def _error(problem: str) -> StoreUrlError:
    return StoreUrlError("analytics", problem)


def _level(url: StoreUrl, option: str, default: str) -> int:
    name = (url.option(option) or default).upper()
    if name not in ConsistencyLevel.name_to_value:
        known = ", ".join(sorted(ConsistencyLevel.name_to_value))
        raise _error(f"{option}={name!r} is not a consistency level (known: {known})")
    return int(ConsistencyLevel.name_to_value[name])


def _replication(text: str) -> tuple[tuple[str, int], ...]:
    """"dc1:3,dc2:3" -> (("dc1", 3), ("dc2", 3))"""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, count = part.partition(":")
        if not _DATACENTER.fullmatch(name) or not count.isdigit() or int(count) < 1:
            raise _error(f"replication={text!r}: write datacenter:replicas pairs, "
                         "for example replication=dc1:3,dc2:3")
        pairs.append((name, int(count)))
    if not pairs:
        raise _error("replication names no datacenter, for example replication=dc1:3,dc2:3")
    return tuple(pairs)


def _number(url: StoreUrl, option: str, default: float) -> float:
    text = url.option(option)
    try:
        value = float(text) if text is not None else default
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise _error(f"{option}={text!r} must be a positive number")
    return value


def _flag(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")
