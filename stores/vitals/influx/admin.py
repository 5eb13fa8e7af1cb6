"""The vitals database on an InfluxDB server: is it there (and create it: over the v1 API on 1.x,
as a bucket and its DBRP mapping over the v2 API on 2.x with a token), and how the servers are
doing."""

from __future__ import annotations

import asyncio
import re

from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus, StoreHealth
from stores.vitals.influx.buckets import prepare_buckets
from stores.vitals.influx.config import Policy
from stores.vitals.influx.http import InfluxHttp
from stores.vitals.influx.ql import quote_ident

BACKEND = "influxdb"
CONSISTENCY = ("writes: the one server written to", "reads: that server",
               "no replication (InfluxDB OSS)")


async def prepare_database(http: InfluxHttp, create: bool) -> list[str]:
    """What the server lacks (the database, the retention policies of the raw samples, their
    rollups and the waveforms), in words; with `create`, creates it (idempotent) or says what
    the operator must do where it cannot. Asked over the v1 API first, which every version
    serves to a token that may only read and write its bucket; the v2 API, which wants more,
    only for what 2.x lacks."""
    db = http.database
    has_db = db in await _names(http, "SHOW DATABASES", in_database=False)
    existing = await _names(http, f"SHOW RETENTION POLICIES ON {quote_ident(db)}") if (
        has_db) else set()
    lacking = [policy for policy in http.settings.policies if policy.name not in existing]
    if has_db and not lacking:
        return []
    if http.token and _major(await http.server_version()) == "2":
        return await prepare_buckets(http, create)  # buckets and their DBRP mappings
    missing = ([] if has_db else [f"database {db!r}"]) + [
        _policy_text(db, policy) for policy in lacking]
    if create:
        if not has_db:
            await _create_database(http)
        for policy in lacking:
            await _create_policy(http, policy)
    return missing


async def raw_retention_s(http: InfluxHttp) -> float | None:
    """How long the raw samples' policy keeps points, as the server says; None where it says
    for ever or cannot say (a token that may not list policies, a version without them)."""
    try:
        results = await http.select(f"SHOW RETENTION POLICIES ON {quote_ident(http.database)}")
    except (StoreUnavailable, ValueError):
        return None
    for result in results:
        for series in result.get("series", ()):
            at = {name: index for index, name in enumerate(series.get("columns", ()))}
            if "name" not in at or "duration" not in at:
                continue
            for row in series.get("values", ()):
                if isinstance(row, list) and len(row) == len(at) \
                        and row[at["name"]] == http.settings.raw.name:
                    return _go_duration_s(str(row[at["duration"]])) or None
    return None


def _go_duration_s(text: str) -> float:
    """InfluxDB's "72h0m0s" in seconds (0 for "0s", which means for ever)."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0}
    return sum(float(n) * units[unit] for n, unit in re.findall(r"(\d+(?:\.\d+)?)([hms])", text))


def _policy_text(db: str, policy: Policy) -> str:
    return (f"retention policy {policy.name!r} for {policy.what} on database {db!r} "
            f"({_create_policy_statement(db, policy)})")


def _create_policy_statement(db: str, policy: Policy) -> str:
    keep = f"{policy.keep_s}s" if policy.keep_s else "INF"
    return (f"CREATE RETENTION POLICY {quote_ident(policy.name)} ON {quote_ident(db)} "
            f"DURATION {keep} REPLICATION 1")


async def _create_policy(http: InfluxHttp, policy: Policy) -> None:
    try:
        await http.command(_create_policy_statement(http.database, policy))
    except ValueError as exc:
        if "already exists" in str(exc):  # made meanwhile, with another duration: kept
            return
        raise StoreUnavailable(f"InfluxDB refused to create retention policy "
                               f"{policy.name!r}: {exc}") from None


async def _names(http: InfluxHttp, query: str, in_database: bool = True) -> set[str]:
    results = await http.select(query, in_database)
    return {row[0] for result in results for series in result.get("series", ())
            for row in series.get("values", ())}


async def _create_database(http: InfluxHttp) -> None:
    try:
        await http.command(f"CREATE DATABASE {quote_ident(http.database)}")
    except ValueError as exc:  # the server understood, and refused
        raise StoreUnavailable(_cannot_create(http, str(exc))) from None


def _major(version: str) -> str:
    return version.lstrip("v").split(".", 1)[0]  # 2.x says "v2.7.11"


def _cannot_create(http: InfluxHttp, refusal: str) -> str:
    db, version = http.database, (http.version or "").lstrip("v")
    if version.startswith("2."):  # with user and password: the v2 API wants a token
        return (f"InfluxDB {version} cannot create database {db!r} over the v1 API: give an "
                "API token as the password (no user in the URL) and run `ward-station check "
                f"--init` again, or create a bucket and map it: influx v1 dbrp create --db {db} "
                "--rp autogen --bucket-id <bucket id> --default")
    if version.startswith("3."):  # its InfluxQL has no CREATE DATABASE
        return (f"InfluxDB {version} cannot create database {db!r} over the v1 API: "
                f"run `influxdb3 create database {db}` (or let the first write create it)")
    return f"InfluxDB refused to create database {db!r}: {refusal}"


async def server_health(http: InfluxHttp, probe: str) -> StoreHealth:
    """Each server's /ping (latency, version), then one cheap read through the credentials and
    the database. Never raises."""
    try:
        pings = await asyncio.gather(*(http.ping(i) for i in range(len(http.addresses))),
                                     return_exceptions=True)
        nodes = tuple(_node(address, ping, address == http.current)
                      for address, ping in zip(http.addresses, pings))
        up = [ping for ping in pings if isinstance(ping, tuple)]
        if not up:
            return _down("; ".join(dict.fromkeys(_reason(ping) for ping in pings)), nodes)
        try:
            await http.select(probe)
        except (StoreUnavailable, ValueError) as exc:
            return _down(_reason(exc), nodes)
        state = HealthState.UP if len(up) == len(pings) else HealthState.DEGRADED
        return StoreHealth("vitals", BACKEND, state, latency_ms=min(p[0] for p in up),
                           nodes=nodes, consistency=CONSISTENCY)
    except Exception as exc:  # health must answer whatever happens
        return _down(_reason(exc), ())


def _node(address: str, ping: object, current: bool) -> NodeStatus:
    if isinstance(ping, tuple):
        return NodeStatus(address, f"influxdb {ping[1].lstrip('v')}", up=True, current=current)
    return NodeStatus(address, "influxdb", up=False, current=current)


def _reason(exc: object) -> str:
    if isinstance(exc, StoreUnavailable):
        return exc.reason
    return str(exc) or type(exc).__name__


def _down(reason: str, nodes: tuple[NodeStatus, ...]) -> StoreHealth:
    return StoreHealth("vitals", BACKEND, HealthState.DOWN, reason=reason, nodes=nodes,
                       consistency=CONSISTENCY)
