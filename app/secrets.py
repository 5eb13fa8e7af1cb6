"""Passwords, tokens and alarm signing keys: from the environment (over the config's secrets
file, `app.secrets_file`, when it names one), else from the OS keyring.

They never come from the config file or a URL, and never reach a log line or an error message.
`WARD_STATION_<STORE>_PASSWORD` wins (e.g. WARD_STATION_PATIENTS_PASSWORD; for InfluxDB 2.x or
3 Core with no user in the URL it holds the token); else the keyring entry of service
"ward-station" and user <store>, as set by `keyring set ward-station patients`.

A region's alarm signing keys: `WARD_STATION_ALARM_KEY_<REGION>` (e.g. ..._NORTH), else the
keyring entry of user `alarm-key:<region>`; one key, or two separated by a space or a comma
during a rotation (the first signs, both verify).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

log = logging.getLogger(__name__)

KEYRING_SERVICE = "ward-station"


def secret_variable(store: str) -> str:
    return f"WARD_STATION_{store.upper()}_PASSWORD"


def store_secrets(stores: Iterable[str], environ: Mapping[str, str]) -> dict[str, str]:
    """The secret of each named store that has one."""
    secrets = {}
    for store in stores:
        secret = environ.get(secret_variable(store)) or _from_keyring(store)
        if secret:
            secrets[store] = secret
    return secrets


def alarm_key_variable(region: str) -> str:
    return "WARD_STATION_ALARM_KEY_" + re.sub(r"[^A-Z0-9]", "_", region.upper())


def alarm_keys(region: str, environ: Mapping[str, str]) -> list[bytes]:
    """The region's signing keys, the signing one first; [] when it has none."""
    text = environ.get(alarm_key_variable(region)) or _from_keyring(f"alarm-key:{region}") or ""
    return [key.encode() for key in text.replace(",", " ").split()]


def _from_keyring(store: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, store)
    except (KeyringError, RuntimeError, OSError) as exc:  # no keyring on a headless machine
        log.info("no OS keyring to read the %s secret from (%s)", store, type(exc).__name__)
        return None
