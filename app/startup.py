"""Opening the configured stores, with no Qt involved: the one place the station, `check`,
`simulate` and the benchmarks open them (`open_configured_stores`)."""

from __future__ import annotations

import logging

from app.cached_stores import with_cache
from app.config import Config, ConfigError
from app.demo.seed import demo_ward_ids, seed_demo_hospital
from app.second_screen.beds import FIRST_SCREEN_BEDS, splits_own_ward
from stores import Stores, StoreUrlError, open_stores
from stores.errors import StoreUnavailable

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The station cannot start; the message says why in one line."""


async def open_configured_stores(config: Config) -> Stores:
    """The stores `config` names, opened (a real store's server is not contacted yet, except
    where its driver must), with the Redis cache in front of those it fronts
    (`app.cached_stores`). Raises StartupError when they cannot be opened at all, and
    ConfigError for an option or secret the driver refuses: both say why in one line."""
    try:
        stores = await open_stores(config.store_config)
    except StoreUnavailable as exc:
        raise StartupError(f"cannot open the stores: {exc.reason}") from None
    except StoreUrlError as exc:  # found by the driver: an option it refuses, a missing secret
        raise ConfigError(str(exc)) from None
    try:
        return with_cache(config, stores)
    except BaseException:
        await stores.close()
        raise


async def open_station_stores(config: Config, seed: bool | None = None) -> Stores:
    """Open the configured stores and seed the demo hospital if they have none.

    `seed` defaults to seeding only an embedded patient store: a station never fills a
    hospital's real servers with demo patients unless asked (`ward-station simulate` asks).
    A patient store that cannot be reached does not stop the start: the window says so."""
    if seed is None:
        seed = "patients" not in config.real_stores
    stores = await open_configured_stores(config)
    try:
        await _check_ward(config, stores, seed)
    except StoreUnavailable as exc:
        log.warning("starting without the patient store (%s); ward %s is shown when it answers",
                    exc.reason, config.ward)
    except BaseException:
        await stores.close()
        raise
    return stores


async def _check_ward(config: Config, stores: Stores, seed: bool) -> None:
    if seed:
        await seed_demo_hospital(stores)
    beds = await stores.patients.beds(config.ward)
    if not beds:
        raise StartupError(f"ward {config.ward!r} has no beds; {_no_beds_hint(seed)}")
    if beds[0].region != config.region:
        raise StartupError(f"ward {config.ward!r} is in region {beds[0].region!r}, not "
                           f"{config.region!r}; set region = \"{beds[0].region}\"")
    if config.second_ward is not None:
        await _check_second_ward(config, stores, len(beds), seed)


def _no_beds_hint(seed: bool) -> str:
    return (f"known demo wards: {', '.join(demo_ward_ids())}" if seed else
            "fill a demo hospital with 'ward-station simulate --config ...', "
            "or set up the ward's beds")


async def _check_second_ward(config: Config, stores: Stores, own_beds: int, seed: bool) -> None:
    """The second screen's ward exists, in the station's region (whose alarm bus the station
    follows); the station's own ward only if it has beds beyond the first screen's."""
    name = config.second_ward
    if splits_own_ward(config.ward, name):
        if own_beds <= FIRST_SCREEN_BEDS:
            raise StartupError(f"second_ward {name!r} is the station's own ward, whose {own_beds} "
                               f"beds fit on one screen (up to {FIRST_SCREEN_BEDS}); name another "
                               "ward, or leave second_ward out")
        return
    beds = await stores.patients.beds(name)
    if not beds:
        raise StartupError(f"second_ward {name!r} has no beds; {_no_beds_hint(seed)}")
    if beds[0].region != config.region:
        raise StartupError(f"second_ward {name!r} is in region {beds[0].region!r}: a second "
                           f"screen shows a ward of the station's region ({config.region!r}), "
                           "whose alarm bus the station follows")
