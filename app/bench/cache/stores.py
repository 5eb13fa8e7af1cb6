"""The stores `bench cache` reads: opened from the bench's config without a cache, holding the
demo hospital's records."""

from __future__ import annotations

from dataclasses import replace

from app.bench.common import BenchError
from app.config import Config, ConfigError
from app.demo.seed import seed_demo_hospital, shipped_hospital
from app.startup import StartupError, open_configured_stores
from stores import Stores
from stores.errors import StoreError
from stores.model import Patient


async def bench_stores(config: Config) -> Stores:
    """The stores of `config`, none with a cache (each bench station composes its own), with
    the demo hospital's records where they lack them and may be given them."""
    try:
        stores = await open_configured_stores(replace(config, cache_ttl_s=0.0))
    except (ConfigError, StartupError) as exc:
        raise BenchError(str(exc), exit_code=2) from None
    try:
        await _with_records(config, stores)
    except BaseException:
        await stores.close()
        raise
    return stores


async def _with_records(config: Config, stores: Stores) -> None:
    real = [name for name in ("patients", "network") if name in config.real_stores]
    if real and not config.training:
        raise BenchError(f"bench cache saves patient records into the {' and '.join(real)} "
                         "store: allowed only with environment = \"training\"", exit_code=2)
    try:
        await seed_demo_hospital(stores, with_history=False)
    except StoreError as exc:
        raise BenchError(f"the demo hospital's records cannot be read or written: {exc}") \
            from None


async def ward_patients(config: Config, stores: Stores) -> dict[str, list[Patient]]:
    """The region's demo wards that have patients, and their patients in bed order."""
    wards = [ward.id for ward in shipped_hospital().wards if ward.region == config.region]
    found = {}
    for ward in wards:
        patients = await stores.patients.search(config.region, ward)
        if patients:
            found[ward] = sorted(patients, key=lambda p: p.bed_id or "")
    if not found:
        raise BenchError(f"region {config.region!r} has no demo ward with patients (the bench "
                         "replays the demo hospital's: north, central, south)", exit_code=2)
    return found
