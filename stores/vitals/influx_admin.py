"""The vitals database on an InfluxDB server: is it there (and create it: over the v1 API on 1.x,
as a bucket and its DBRP mapping over the v2 API on 2.x with a token), and how the servers are
doing."""

from __future__ import annotations

import asyncio

from stores.errors import StoreUnavailable
from stores.model import HealthState, NodeStatus, StoreHealth
from stores.vitals.influx_buckets import prepare_bucket
from stores.vitals.influx_http import InfluxHttp
from stores.vitals.influx_ql import quote_ident

BACKEND = "influxdb"


async def prepare_database(http: InfluxHttp, create: bool) -> list[str]:
    """What the server lacks (the database, the URL's retention policy), in words; with `create`,
    creates the database (idempotent) or says what the operator must do where it cannot.
    Asked over the v1 API first, which every version serves to a token that may only read and
    write its bucket; the v2 API, which wants more, only for what 2.x lacks."""
    db, rp, wave_rp = http.database, http.settings.rp, http.settings.waveform_rp
    has_db = db in await _names(http, "SHOW DATABASES", in_database=False)
    policies = await _names(http, f"SHOW RETENTION POLICIES ON {quote_ident(db)}") if (
        has_db and (rp or wave_rp)) else set()
    has_rp = not rp or rp in policies
    # Waveforms' own policy (?waveform_rp=) is never created: how long is the hospital's call.
    waves = [_waveform_policy(db, wave_rp)] if wave_rp and wave_rp not in policies else []
    if has_db and has_rp:
        return waves
    if http.token and _major(await http.server_version()) == "2":
        return await prepare_bucket(http, create) + waves  # a bucket and its DBRP mapping
    if has_db:
        return [_retention_policy(db, rp)] + waves
    if create:
        await _create_database(http)
    return [f"database {db!r}"] + ([_retention_policy(db, rp)] if rp else []) + waves


def _retention_policy(db: str, rp: str) -> str:
    # Not created here: how long vitals are kept is the hospital's decision.
    return (f"retention policy {rp!r} on database {db!r} (create it with CREATE RETENTION "
            f"POLICY {quote_ident(rp)} ON {quote_ident(db)} DURATION <how long> REPLICATION 1)")


def _waveform_policy(db: str, rp: str) -> str:
    return (f"retention policy {rp!r} for waveforms (?waveform_rp=) on database {db!r} "
            f"(InfluxDB 1.x: CREATE RETENTION POLICY {quote_ident(rp)} ON {quote_ident(db)} "
            f"DURATION 1d REPLICATION 1; 2.x: a bucket {db}/{rp} with a short retention and a "
            f"DBRP mapping of database {db!r}, retention policy {rp!r} to it)")


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
        nodes = tuple(_node(address, ping) for address, ping in zip(http.addresses, pings))
        up = [ping for ping in pings if isinstance(ping, tuple)]
        if not up:
            return _down("; ".join(dict.fromkeys(_reason(ping) for ping in pings)), nodes)
        try:
            await http.select(probe)
        except (StoreUnavailable, ValueError) as exc:
            return _down(_reason(exc), nodes)
        state = HealthState.UP if len(up) == len(pings) else HealthState.DEGRADED
        return StoreHealth("vitals", BACKEND, state, latency_ms=min(p[0] for p in up),
                           nodes=nodes)
    except Exception as exc:  # health must answer whatever happens
        return _down(_reason(exc), ())


def _node(address: str, ping: object) -> NodeStatus:
    if isinstance(ping, tuple):
        return NodeStatus(address, f"influxdb {ping[1].lstrip('v')}", up=True)
    return NodeStatus(address, "influxdb", up=False)


def _reason(exc: object) -> str:
    if isinstance(exc, StoreUnavailable):
        return exc.reason
    return str(exc) or type(exc).__name__


def _down(reason: str, nodes: tuple[NodeStatus, ...]) -> StoreHealth:
    return StoreHealth("vitals", BACKEND, HealthState.DOWN, reason=reason, nodes=nodes)
