"""The Redis cache in front of the patient and care-network stores (`stores.cache`), decided
from the config and composed where the stores are opened (`app.startup`), so that the store
kinds stay independent of each other.

A station caches where it can share: its patient or network store is a real server (an
embedded one is a local file, quicker than any cache and not shared), its alert store is Redis
(the cache lives there, beside the alarms), its region has an alarm signing key (entries are
signed with it) and `cache_ttl_s` is not 0.
"""

from __future__ import annotations

from app.config import Config
from stores import Stores

CACHED_STORES = ("patients", "network")


def cached_store_names(config: Config) -> list[str]:
    """The stores of `config` that the cache would front: the real ones of CACHED_STORES."""
    return [name for name in CACHED_STORES if name in config.real_stores]


def cache_refusal(config: Config) -> str | None:
    """Why a station of `config` caches nothing, in words; None where it caches."""
    if not cached_store_names(config):
        return "off: the patient and network stores are embedded (local, nothing to share)"
    return redis_cache_refusal(config)


def redis_cache_refusal(config: Config) -> str | None:
    """Why `config` allows no cache whatever the stores in front of it (None: it does)."""
    from app.secrets import alarm_key_variable

    if config.cache_ttl_s == 0:
        return "off (cache_ttl_s = 0)"
    if "alerts" not in config.real_stores:
        return "off: it lives in the alert store's Redis, and the alert store is embedded"
    if config.alarm_keys is None or not config.alarm_keys(config.region):
        return (f"off: region {config.region} has no alarm signing key to sign entries with "
                f"(set {alarm_key_variable(config.region)})")
    return None


def with_cache(config: Config, stores: Stores) -> Stores:
    """`stores` with the region's cache in front of their real patient and network stores,
    where `config` allows one (`cache_refusal`); the cache starts with the first read and is
    closed with them."""
    if cache_refusal(config) is not None:
        return stores
    from stores.cache import CachedNetwork, CachedPatients, open_cache

    url = config.store_config.url("alerts")
    assert url is not None  # a real alert store: cache_refusal said so
    cache = open_cache(url, config.secrets.get("alerts"), config.region,
                       list(config.alarm_keys(config.region)), config.cache_ttl_s)
    names = cached_store_names(config)
    if "patients" in names:
        stores.patients = CachedPatients(stores.patients, cache)
    if "network" in names:
        stores.network = CachedNetwork(stores.network, cache)
    stores.cache = cache
    stores.also_close(cache.close)
    return stores
