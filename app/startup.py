"""Opening the configured stores for a station or a simulator, with no Qt involved."""

from __future__ import annotations

from app.config import Config
from app.seed import demo_ward_ids, seed_demo_hospital
from stores import Stores, open_stores
from stores.errors import StoreUnavailable


class StartupError(Exception):
    """The station cannot start; the message says why in one line."""


async def open_station_stores(config: Config) -> Stores:
    """Open the configured stores and seed the demo hospital on first run."""
    try:
        stores = await open_stores(config.store_config)
    except StoreUnavailable as exc:
        raise StartupError(f"cannot open the stores: {exc.reason}") from None
    try:
        await seed_demo_hospital(stores)
        beds = await stores.patients.beds(config.ward)
        if not beds:
            raise StartupError(f"ward {config.ward!r} has no beds; known demo wards: "
                               f"{', '.join(demo_ward_ids())}")
        if beds[0].region != config.region:
            raise StartupError(f"ward {config.ward!r} is in region {beds[0].region!r}, not "
                               f"{config.region!r}; set region = \"{beds[0].region}\"")
    except BaseException:
        await stores.close()
        raise
    return stores
