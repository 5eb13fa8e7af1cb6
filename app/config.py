"""Station settings: a TOML file, overridden by WARD_STATION_* variables, overridden by CLI flags."""

from __future__ import annotations

import dataclasses
import getpass
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import paths
from app.config_alarms import AlarmLimitsError, read_bounds, read_limits, read_ward_limits
from stores import EMBEDDED, STORE_NAMES, StoreConfig, StoreUrlError, parse_store_url
from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds
from stores.model import AlarmLimits, alarm_limit_problems

ENV_PREFIX = "WARD_STATION_"
TRAINING, CLINICAL = "training", "clinical"
ENVIRONMENTS = (TRAINING, CLINICAL)
# The stores the built-in bedside simulator writes into (vitals, alarms, their rollups);
# `ward-station simulate` also seeds the demo hospital into the patient and network stores.
SIMULATOR_WRITES = ("vitals", "alerts", "analytics")
MIN_ARCHIVE_AFTER_S = 3600.0  # younger, an alarm just resolved would leave the live bus at once
# older, the bus would refuse them as too old to be genuine (a year: stores/alerts/redis_records)
# before they could be archived
MAX_ARCHIVE_AFTER_S = 300 * 86400.0
MAX_CACHE_TTL_S = 86400.0  # a day: the time to live bounds what writes no station announced
# A screen's calibration in logical pixels per mm: from a picture projected 4 m wide (0.5) to
# the densest panel (600 dpi); a dots-per-inch figure (96) is refused rather than taken for one.
SCREEN_PX_PER_MM = (0.5, 24.0)


class ConfigError(Exception):
    """A setting is missing, malformed or unknown; the message names it and says what to do."""


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "station"


@dataclass(frozen=True)
class Config:
    """Everything a station needs to know about where it is and where its data lives."""

    region: str = "north"
    ward: str = "north-1"
    # the ward a second screen shows, in a window of its own; the station's own ward: its beds
    # beyond the first screen's 32 (app/second_screen); None: one screen
    second_ward: str | None = None
    user: str = field(default_factory=_login_name)
    data_dir: Path = field(default_factory=paths.default_data_dir)
    stores: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STORE_NAMES, EMBEDDED))
    # the built-in bedside simulator; by default only on embedded vitals, never on a real
    # hospital's servers unless asked for (`simulator = true`, or `ward-station simulate`)
    simulator: bool | None = None
    stale_after_s: float = 5.0
    # alarms: a high-priority alarm nobody acknowledged this long escalates along the care team
    escalate_after_s: float = 60.0
    alarm_audio: bool = True  # False mutes the alarm sounds: training only; the banner says so
    alarm_limits: tuple[AlarmLimits, ...] = ()  # every ward's defaults, over the built-in ones
    ward_alarm_limits: dict[str, tuple[AlarmLimits, ...]] = field(default_factory=dict)
    # writes kept per real store while it is away (None: stores.outbox.DEFAULT_LIMIT, 10 000);
    # at the bound new writes are refused with a message and a technical alarm, never dropped
    outbox_limit: int | None = None
    # vital -> the clinical bounds limits must stay within: the hard ones, or tighter
    alarm_bounds: dict[str, AlarmBounds] = field(default_factory=lambda: dict(HARD_BOUNDS))
    # "training" (muting and the simulator on real stores allowed) or "clinical"; by default
    # training when every store is embedded (the demo hospital), clinical otherwise
    environment: str | None = None
    # resolved alarms this long ago leave the alarm bus for the analytics store's archive
    alarm_archive_after_s: float = 7 * 86400.0
    # logical pixels per millimetre of this station's screen, for the 25 mm/s sweeps; None: the
    # screen's own size where it reports a plausible one (a projector or some TVs do not)
    screen_px_per_mm: float | None = None
    # how long the Redis cache keeps a patient record, a ward's beds or a care team
    # (app/cached_stores.py); writes the stations announce replace it sooner. 0: no cache
    cache_ttl_s: float = 300.0
    source: Path | None = None  # the config file read, if any
    # a file of secrets beside the config (app/secrets_file.py), relative to the config's folder
    secrets_file: Path | None = None
    # store -> password or token, from the environment or the OS keyring; never in the file
    secrets: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # region -> its alarm signing keys, from the environment or the OS keyring
    alarm_keys: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.environment is None:
            object.__setattr__(self, "environment", CLINICAL if self.real_stores else TRAINING)
        if self.simulator is None:  # on where it may run: never fed into real clinical stores
            on = self.stores.get("vitals", EMBEDDED) == EMBEDDED
            object.__setattr__(self, "simulator", on and self.simulator_refusal() is None)

    @property
    def training(self) -> bool:
        return self.environment == TRAINING

    def simulator_refusal(self, writes: tuple[str, ...] = SIMULATOR_WRITES) -> str | None:
        """Why a simulator may not write into `writes` here (None: it may): simulated vitals
        and alarms go into real stores only where environment = "training"."""
        real = [name for name in writes if self.stores.get(name, EMBEDDED) != EMBEDDED]
        if self.training or not real:
            return None
        return (f"the simulator writes simulated data into real stores ({', '.join(real)}), "
                f"which is allowed only with environment = \"training\" (this station's is "
                f"\"{self.environment}\")")

    def mute_refusal(self) -> str | None:
        """Why the alarm sounds may not be muted here (None: they may, or they are not)."""
        if self.alarm_audio or self.training:
            return None
        return (f"muting the alarm sounds (--mute-alarms, alarm_audio = false) is allowed only "
                f"with environment = \"training\" (this station's is \"{self.environment}\")")

    @property
    def store_config(self) -> StoreConfig:
        return StoreConfig(data_dir=self.data_dir, urls=dict(self.stores),
                           secrets=dict(self.secrets), alarm_keys=self.alarm_keys,
                           outbox_limit=self.outbox_limit)

    @property
    def real_stores(self) -> list[str]:
        return [name for name in STORE_NAMES if self.stores.get(name, EMBEDDED) != EMBEDDED]

    def limits_for(self, ward: str) -> tuple[AlarmLimits, ...]:
        """A ward's default alarm limits: the hospital's, then the ward's own over them."""
        merged = {limit.vital: limit for limit in self.alarm_limits}
        for own in self.ward_alarm_limits.get(ward, ()):
            base = merged.get(own.vital, AlarmLimits(own.vital))
            merged[own.vital] = AlarmLimits(
                own.vital, *(base_part if own_part is None else own_part for base_part, own_part
                             in ((base.low, own.low), (base.high, own.high),
                                 (base.delay_s, own.delay_s))))
        return tuple(merged.values())


# setting name -> converter from the text of an environment variable or flag
_TOP_LEVEL = {
    "region": str,
    "ward": str,
    "second_ward": str,
    "user": str,
    "data_dir": Path,
    "secrets_file": Path,
    "simulator": bool,
    "stale_after_s": float,
    "escalate_after_s": float,
    "alarm_audio": bool,
    "outbox_limit": int,
    "environment": str,
    "alarm_archive_after_s": float,
    "screen_px_per_mm": float,
    "cache_ttl_s": float,
}


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None,
                environ: dict[str, str] | None = None) -> Config:
    """Read the config file (`path`, or the user's one if it exists), then the environment,
    then `overrides` (CLI flags; None values are ignored). Raises ConfigError."""
    environ = os.environ if environ is None else environ
    explicit = path is not None
    path = path or paths.default_config_file()
    settings: dict[str, Any] = {}
    if explicit or path.exists():
        settings = _read_file(path)
        settings["source"] = path
    settings.update(_from_environment(environ))
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    config = _build(settings)
    from app.secrets import store_secrets  # reads the keyring only for real stores

    environ = _with_secrets_file(config, environ)
    config = dataclasses.replace(config, secrets=store_secrets(config.real_stores, environ))
    return _with_alarm_keys(config, environ) if "alerts" in config.real_stores else config


def _with_secrets_file(config: Config, environ: dict[str, str]) -> dict[str, str]:
    """The environment over the config's secrets file, if it names one."""
    if config.secrets_file is None:
        return environ
    from app.secrets_file import SecretsFileError, read_secrets_file

    path = config.secrets_file
    if not path.is_absolute() and config.source is not None:
        path = config.source.parent / path
    try:
        return read_secrets_file(path) | dict(environ)
    except SecretsFileError as exc:
        raise ConfigError(str(exc)) from None


def _with_alarm_keys(config: Config, environ: dict[str, str]) -> Config:
    """The station's alarm signing keys, read once per region; its own region's checked now,
    so that a key that cannot be used stops the start with a message, not the first alarm."""
    from app.secrets import alarm_key_variable, alarm_keys
    from stores.alerts.signing import Signer, SigningKeyError

    found: dict[str, list[bytes]] = {}

    def keys_of(region: str) -> list[bytes]:
        if region not in found:
            found[region] = alarm_keys(region, environ)
        return found[region]

    try:
        Signer(config.region, keys_of(config.region))
    except SigningKeyError as exc:
        raise ConfigError(f"{exc} ({alarm_key_variable(config.region)} or the keyring entry "
                          f"alarm-key:{config.region})") from None
    return dataclasses.replace(config, alarm_keys=keys_of)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    return _settings_from_document(document, where=str(path))


def _settings_from_document(document: dict[str, Any], where: str) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, value in document.items():
        if key == "stores":
            settings["stores"] = _store_urls(value, where)
        elif key in ("alarm_limits", "wards", "alarm_bounds"):
            settings.update(_alarm_limits(key, value, where))
        elif key in _TOP_LEVEL:
            settings[key] = _typed(key, value, where)
        else:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {_known_keys()})")
    return settings


def _known_keys() -> str:
    return ", ".join([*_TOP_LEVEL, "[stores]", "[alarm_limits]", "[wards.<ward>.alarm_limits]",
                      "[alarm_bounds]"])


def _alarm_limits(key: str, value: Any, where: str) -> dict[str, Any]:
    try:
        if key == "alarm_limits":
            return {"alarm_limits": read_limits(value, f"{where}: alarm_limits")}
        if key == "alarm_bounds":
            return {"alarm_bounds": read_bounds(value, f"{where}: alarm_bounds")}
        return {"ward_alarm_limits": read_ward_limits(value, f"{where}: wards")}
    except AlarmLimitsError as exc:
        raise ConfigError(str(exc)) from None


def _typed(key: str, value: Any, where: str) -> Any:
    kind = _TOP_LEVEL[key]
    if kind is Path:
        kind = str
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: {key} must be a {kind.__name__}, not {value!r}")
    return Path(value).expanduser() if _TOP_LEVEL[key] is Path else value


def _store_urls(table: Any, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [stores] must be a table of store = URL")
    urls = {}
    for name, url in table.items():
        if name not in STORE_NAMES:
            raise ConfigError(f"{where}: unknown store {name!r} in [stores] "
                              f"(known: {', '.join(STORE_NAMES)})")
        if not isinstance(url, str) or not url.strip():
            raise ConfigError(f"{where}: stores.{name} must be a URL or \"embedded\"")
        urls[name] = url.strip()
    return urls


def _from_environment(environ: dict[str, str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, kind in _TOP_LEVEL.items():
        text = environ.get(ENV_PREFIX + key.upper())
        if text is not None:
            settings[key] = _parse_text(key, kind, text, f"${ENV_PREFIX}{key.upper()}")
    urls = {name: environ[ENV_PREFIX + "STORE_" + name.upper()]
            for name in STORE_NAMES if ENV_PREFIX + "STORE_" + name.upper() in environ}
    if urls:
        settings["stores"] = urls
    return settings


def _parse_text(key: str, kind: type, text: str, where: str) -> Any:
    if kind is bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where} must be true or false, not {text!r}")
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"{where} must be a {kind.__name__}, not {text!r}") from None


def _build(settings: dict[str, Any]) -> Config:
    stores = dict.fromkeys(STORE_NAMES, EMBEDDED) | settings.pop("stores", {})
    simulator = settings.pop("simulator", None)  # None: decided by the vitals store
    environment = settings.pop("environment", None)  # None: decided by the stores
    config = dataclasses.replace(Config(), stores=stores, simulator=simulator,
                                 environment=environment, **settings)
    _check(config)
    return config


def _check_alarm_limits(config: Config) -> None:
    """The limits as they apply, the hospital's and a ward's together over the built-in rules,
    must make sense, and name only sides the ward alarms on."""
    from app.alarms.rules import DEFAULT_RULES, limits_of, with_limits

    for ward in {config.ward, *config.ward_alarm_limits}:
        limits = config.limits_for(ward)
        rules = with_limits(DEFAULT_RULES, limits)
        for own in limits:
            applied = limits_of(rules, own.vital)
            for side in ("low", "high"):
                if getattr(own, side) is not None and getattr(applied, side) is None:
                    raise ConfigError(f"alarm limits of ward {ward}: {own.vital.value} has no "
                                      f"{side} alarm to set; remove {side}")
            problems = alarm_limit_problems((applied,), config.alarm_bounds)
            if problems:
                raise ConfigError(f"alarm limits of ward {ward}: {problems[0].message}")


def _check_archive_age(seconds: float) -> None:
    if not (math.isfinite(seconds) and MIN_ARCHIVE_AFTER_S <= seconds <= MAX_ARCHIVE_AFTER_S):
        raise ConfigError(
            f"alarm_archive_after_s must be a number of seconds from {MIN_ARCHIVE_AFTER_S:.0f} "
            f"(an hour) to {MAX_ARCHIVE_AFTER_S:.0f} (300 days), not {seconds:g}: resolved "
            "alarms older than this move from the alarm bus to the analytics store's archive")


def _check_screen_scale(px_per_mm: float | None) -> None:
    low, high = SCREEN_PX_PER_MM
    if px_per_mm is not None and not (math.isfinite(px_per_mm) and low <= px_per_mm <= high):
        raise ConfigError(
            f"screen_px_per_mm must be the screen's logical pixels per millimetre, from {low:g} "
            f"to {high:g}, not {px_per_mm:g}: the picture's width in pixels divided by its "
            "width in millimetres (a dots-per-inch figure divided by 25.4)")


def _check(config: Config) -> None:
    if not config.region.strip() or not config.ward.strip():
        raise ConfigError("region and ward must not be empty")
    if config.second_ward is not None and not config.second_ward.strip():
        raise ConfigError("second_ward must name a ward (or be left out for one screen)")
    for name in ("stale_after_s", "escalate_after_s"):
        seconds = getattr(config, name)
        if not (math.isfinite(seconds) and seconds > 0):
            raise ConfigError(f"{name} must be a number of seconds more than 0, not {seconds}")
    if config.outbox_limit is not None and config.outbox_limit < 1:
        raise ConfigError(f"outbox_limit must be a number of writes of at least 1, not "
                          f"{config.outbox_limit}")
    if config.environment not in ENVIRONMENTS:
        raise ConfigError(f"environment must be \"training\" or \"clinical\", not "
                          f"{config.environment!r}")
    _check_archive_age(config.alarm_archive_after_s)
    _check_screen_scale(config.screen_px_per_mm)
    if not (math.isfinite(config.cache_ttl_s) and 0 <= config.cache_ttl_s <= MAX_CACHE_TTL_S):
        raise ConfigError(f"cache_ttl_s must be a number of seconds from 0 (no cache) to "
                          f"{MAX_CACHE_TTL_S:.0f}, not {config.cache_ttl_s:g}")
    _check_alarm_limits(config)
    check_training_only(config)
    for name, url in config.stores.items():
        if url != EMBEDDED:
            try:
                parse_store_url(name, url)
            except StoreUrlError as exc:
                raise ConfigError(str(exc)) from None



def check_training_only(config: Config) -> None:
    """Refuse what only a training station may do: muting the alarm sounds, and the built-in
    simulator writing into real stores. Raises ConfigError saying what to change."""
    refusal = config.mute_refusal()
    if refusal is None and config.simulator:
        refusal = config.simulator_refusal()
        if refusal is not None:
            refusal += "; set simulator = false"
    if refusal is not None:
        raise ConfigError(refusal)
