"""`ward-station check`: reach every configured store, show its health and nodes, and (with
`--init`) create the schema a real server lacks. Exit 0 when every store is reachable and ready."""

from __future__ import annotations

import asyncio
import time
from typing import TextIO

from app.cached_stores import cache_refusal, cached_store_names
from app.config import Config
from app.startup import StartupError, open_configured_stores
from stores import STORE_NAMES, Stores
from stores.errors import StoreError, StoreUnavailable
from stores.model import HealthState, StoreHealth

STORE_TIMEOUT_S = 20.0


async def check_stores(config: Config, init: bool, out: TextIO) -> int:
    """Print one block per store; returns the exit code (1 if any store is down or unready)."""
    try:
        stores = await open_configured_stores(config)
    except StartupError as exc:
        print(exc, file=out)
        return 1
    try:
        results = [await _check_one(config, stores, name, init) for name in STORE_NAMES]
        cache = await cache_lines(config, stores)
    finally:
        await stores.close()
    for lines in results:
        print("\n".join(lines[1:]), file=out)
    print("\n".join(cache), file=out)
    failed = [lines[0] for lines in results if lines[0]]
    print(f"\n{len(STORE_NAMES) - len(failed)} of {len(STORE_NAMES)} stores ready"
          + (f"; not ready: {', '.join(failed)}" if failed else ""), file=out)
    return 1 if failed else 0


async def _check_one(config: Config, stores: Stores, name: str, init: bool) -> list[str]:
    """[name if it is not ready else "", lines to print...]"""
    store = getattr(stores, name)
    where = config.stores[name] if name in config.real_stores else str(config.store_config.db_path)
    missing: list[str] | str
    try:
        async with asyncio.timeout(STORE_TIMEOUT_S):
            missing = await store.prepare(create=init)
    except StoreUnavailable as exc:
        missing = exc.reason
    except (StoreError, TimeoutError) as exc:
        missing = str(exc) or f"no answer within {STORE_TIMEOUT_S:.0f} s"
    try:
        async with asyncio.timeout(STORE_TIMEOUT_S):
            health = await store.health()
    except TimeoutError:
        health = StoreHealth(name, "?", HealthState.DOWN,
                             reason=f"no answer within {STORE_TIMEOUT_S:.0f} s")
    insecure = config.store_config.insecure().get(name)
    lines = [_headline(health, where), *([f"{'':11}{insecure}"] if insecure else []),
             *_node_lines(health), _schema_line(missing, init, health)]
    if name == "alerts" and name in config.real_stores:
        lines.append(_signing_line(store, config.region))
    schema_ready = isinstance(missing, list) and (init or not missing)
    ready = health.state is not HealthState.DOWN and schema_ready
    return ["" if ready else name, *lines]


async def cache_lines(config: Config, stores: Stores) -> list[str]:
    """The cache in front of the patient and network stores, and the region's hit ratio (every
    station's reads). Not a store: when Redis is away, reads go to the stores and `check` is
    not failed for it."""
    if stores.cache is None:
        return [f"{'cache':<10} {cache_refusal(config)}"]
    where = (f"in front of {', '.join(cached_store_names(config))}; entries kept "
             f"{config.cache_ttl_s:g} s, signed with region {config.region}'s key")
    started = time.perf_counter()
    try:
        async with asyncio.timeout(STORE_TIMEOUT_S):
            figures = await stores.cache.region_figures()
    except (StoreUnavailable, TimeoutError) as exc:
        reason = getattr(exc, "reason", f"no answer within {STORE_TIMEOUT_S:.0f} s")
        down = StoreHealth("cache", "redis", HealthState.DOWN, reason=f"{reason}; reads go to "
                           "the stores")
        return [_headline(down, where)]
    up = StoreHealth("cache", "redis", HealthState.UP, (time.perf_counter() - started) * 1000)
    return [_headline(up, where), f"{'':11}{_hit_ratio(config.region, figures)}"]


def _hit_ratio(region: str, figures: tuple[int, int] | None) -> str:
    if figures is None:
        return f"hit ratio of region {region}: unknown (its figures in Redis do not read)"
    reads, hits = figures
    if not reads:
        return f"hit ratio of region {region}: no reads counted yet"
    return (f"hit ratio of region {region}: {hits / reads:.1%} of {reads} reads, every "
            "station's, answered from the cache")


def _headline(health: StoreHealth, where: str) -> str:
    latency = f"{health.latency_ms:.1f} ms" if health.latency_ms is not None else "-"
    line = f"{health.store:<10} {health.backend:<10} {health.state.value.upper():<9} " \
           f"{latency:>9}  {where}"
    return line + (f"\n{'':11}{health.reason}" if health.reason else "")


def _node_lines(health: StoreHealth) -> list[str]:
    return [f"{'':11}node {node.address}  {node.role}  {'up' if node.up else 'DOWN'}"
            for node in health.nodes]


def _signing_line(bus, region: str) -> str:
    from app.secrets import alarm_key_variable

    try:
        signed = bus.signed(region)
    except StoreUnavailable as exc:
        return f"{'':11}alarm signing: the key of region {region} cannot be used: {exc.reason}"
    if signed:
        return f"{'':11}alarm signing: alarms of region {region} are signed and verified"
    return (f"{'':11}alarm signing: OFF, alarms of region {region} are NOT signed: anyone with "
            f"the Redis password could forge or clear them (set {alarm_key_variable(region)})")


def _schema_line(missing: list[str] | str, init: bool, health: StoreHealth) -> str:
    if isinstance(missing, str):
        return f"{'':11}schema: not checked ({missing})"
    if not missing:
        return f"{'':11}schema: ready"
    verb = "created" if init else "missing"
    hint = "" if init else " (run with --init to create it)"
    return f"{'':11}schema {verb}: {'; '.join(missing)}{hint}"
