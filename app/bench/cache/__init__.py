"""`ward-station bench cache`: how many reads of a region's stations reach the patient and network
stores (MongoDB and Neo4j on a hospital's servers) without and with the Redis cache.

The same replay (`replay.py`) runs twice on the same stores (`stores.py`), counting the reads that
reach them (`counted_reads.py`): once with every station reading the stores, once with each station's own cache (its
own connections and channel, as `app.cached_stores` composes a station's) in front. No window,
no Qt. With `--config`, the config's alert store (Redis), patient and network stores and region
are used; the vitals and analytics stores are embedded in a temporary folder. Without, a
redis-server of the run's own (from PATH, `local_redis.py`) and embedded stores holding the demo
hospital.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from app.bench.cache.counted_reads import CountedReads
from app.bench.cache.replay import SPEED, ReplayStation, Replayed, replay
from app.bench.cache.stores import bench_stores, ward_patients
from app.bench.common import BenchError, until
from app.bench.stats import latency_summary
from app.config import Config, ConfigError, load_config
from stores import EMBEDDED
from stores.cache import CachedNetwork, CachedPatients, RegionCache, open_cache

IN_USE_LIMIT_S = 10.0  # every station's cache must follow its channel this soon


def run_cache_bench(stations: int, config_path: Path | None,
                    report: Callable[[dict], None], say: Callable[[str], None] = print) -> dict:
    """Replay `stations` stations without and with the cache and `report` the figures.
    Raises BenchError (exit code 2 for what the config or machine lacks)."""
    with tempfile.TemporaryDirectory(prefix="ward-station-bench-") as folder:
        with _bench_config(config_path, Path(folder)) as config:
            figures = asyncio.run(_run(config, stations, say))
    report(figures)
    return figures


@contextlib.contextmanager
def _bench_config(config_path: Path | None, folder: Path) -> Iterator[Config]:
    """The config's stores (the vitals and analytics ones embedded in `folder`), or embedded
    ones in `folder` with a redis-server of the run's own and a fresh signing key."""
    if config_path is None:
        from app.bench.cache.local_redis import local_redis

        with local_redis(folder) as url:
            key = secrets.token_hex(32).encode()
            stores = dict.fromkeys(("vitals", "patients", "network", "analytics"), EMBEDDED)
            yield Config(region="north", data_dir=folder, stores={**stores, "alerts": url},
                         alarm_keys=lambda region: [key], environment="training")
        return
    try:
        given = load_config(config_path)
    except ConfigError as exc:
        raise BenchError(str(exc), exit_code=2) from None
    yield replace(given, data_dir=folder, stores={**given.stores, "vitals": EMBEDDED,
                                                  "analytics": EMBEDDED})


async def _run(config: Config, count: int, say: Callable[[str], None]) -> dict:
    from app.cached_stores import redis_cache_refusal

    if "alerts" not in config.real_stores:
        raise BenchError("bench cache needs a Redis alert store: the config names none "
                         "(stores.alerts = \"redis://...\")", exit_code=2)
    refusal = redis_cache_refusal(config)
    if refusal is not None:
        raise BenchError(f"bench cache: the cache is {refusal}", exit_code=2)
    stores = await bench_stores(config)
    try:
        by_ward = await ward_patients(config, stores)
        backends = [(await s.health()).backend for s in (stores.patients, stores.network)]
        say(f"bench cache: {count} stations of region {config.region} "
            f"({len(by_ward)} wards), patients {backends[0]}, network {backends[1]}, "
            f"{SPEED:g}x real time")
        plain = await _phase(config, stores, by_ward, count, cached=False)
        cached = await _phase(config, stores, by_ward, count, cached=True)
    finally:
        await stores.close()
    return _figures(count, backends, plain, cached)


async def _phase(config: Config, stores, by_ward: dict, count: int, cached: bool) -> dict:
    patients, network = CountedReads(stores.patients), CountedReads(stores.network)
    done, caches = Replayed(), []
    stations = []
    for number in range(count):
        ward = sorted(by_ward)[number % len(by_ward)]
        station_patients, station_network = patients, network
        if cached:
            cache = _station_cache(config)
            caches.append(cache)
            station_patients = CachedPatients(patients, cache)
            station_network = CachedNetwork(network, cache)
        stations.append(ReplayStation(number, config.region, ward, by_ward[ward],
                                      station_patients, station_network, done))
    try:
        await until(lambda: all(c.view.in_use for c in caches), IN_USE_LIMIT_S,
                    "every station's cache following its channel")
        await replay(stations)
    finally:
        for cache in caches:
            await cache.close()
    hits = sum(c.counts[s].hits for c in caches for s in c.counts)
    return {"done": done, "patients": patients.reads, "network": network.reads, "hits": hits,
            "refused": sum(c.counts[s].refused for c in caches for s in c.counts)}


def _station_cache(config: Config) -> RegionCache:
    """A station's own cache, as `app.cached_stores` builds it, its time to live scaled to
    the replay's speed."""
    url = config.store_config.url("alerts")
    assert url is not None and config.alarm_keys is not None
    cache = open_cache(url, config.secrets.get("alerts"), config.region,
                       list(config.alarm_keys(config.region)), config.cache_ttl_s / SPEED)
    cache.start()
    return cache


def _figures(stations: int, backends: list[str], plain: dict, cached: dict) -> dict:
    without = plain["patients"] + plain["network"]
    with_cache = cached["patients"] + cached["network"]
    done: Replayed = cached["done"]
    return {
        "stations": stations,
        "patients_backend": backends[0], "network_backend": backends[1],
        "reads": done.reads, "edits": done.edits, "edit_conflicts": done.conflicts,
        "db_reads_without_cache": without,
        "db_reads_with_cache": with_cache,
        "patient_reads_with_cache": cached["patients"],
        "network_reads_with_cache": cached["network"],
        "db_read_share": round(with_cache / without, 4) if without else None,
        "hit_ratio": round(cached["hits"] / done.reads, 4) if done.reads else None,
        "refused_entries": cached["refused"],
        **latency_summary("read_ms_without_cache", plain["done"].read_ms),
        **latency_summary("read_ms_with_cache", done.read_ms),
        "replay_s_without_cache": round(plain["done"].real_s, 2),
        "replay_s_with_cache": round(done.real_s, 2),
    }
