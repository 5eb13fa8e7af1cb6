"""A cache of the region's patient records, ward beds and care teams in the alert store's Redis.

Every station of a region reads the same records; the first read of one is kept in Redis
(cache-aside, with a time to live) for the others. Every write makes a new generation of what it
changed and says so on the region's channel, which every station hears; entries live under
their generation, so that none older than the last write a station heard of is read again.
Entries and messages are signed with the region's alarm signing key (`stores.alerts.signing`)
and checked when read. While Redis is away a station reads its stores as if there were no cache.

The pieces: `keys` (names under `ward:{region}:cache`, the generation script), `entries` (what an
entry holds, signed and checked), `view` (the generations a station reads under), `follower`
(the channel), `region_cache` (read-through and announcing writes), `cached` (the two stores
with the cache in front). The station composes them in `app.cached_stores`.
"""

from __future__ import annotations

from collections.abc import Sequence

from stores.alerts.redis_conn import Connection, read_settings
from stores.alerts.signing import Signer, SigningKeyError
from stores.cache.cached import CachedNetwork, CachedPatients
from stores.cache.region_cache import RegionCache
from stores.urls import StoreUrl


def open_cache(url: StoreUrl, secret: str | None, region: str, keys: Sequence[bytes],
               ttl_s: float) -> RegionCache:
    """The cache of `region` on the Redis of the alert store's `url`, signing with `keys`
    (SigningKeyError if there are none or they cannot be used: an entry nobody can check is
    not cached); nothing connects until it is started."""
    if not keys:
        raise SigningKeyError(f"region {region!r} has no alarm signing key, which the cache "
                              "signs its entries with")
    return RegionCache(Connection(read_settings(url), secret), Signer(region, keys), ttl_s)


__all__ = ["CachedNetwork", "CachedPatients", "RegionCache", "open_cache"]
