"""A station's secrets in a file of their own, named by `secrets_file` in its config (the lab
writes the passwords and alarm signing key it generates there, beside the config).

TOML, one `NAME = "value"` per secret, the names those of the environment variables
(WARD_STATION_<STORE>_PASSWORD, WARD_STATION_ALARM_KEY_<REGION>): a variable that is set wins
over the file, and the file over the OS keyring. Like an SSH key, the file must be readable by
its owner alone, and no message ever quotes a value from it."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

from stores import STORE_NAMES

_PASSWORD = re.compile(r"WARD_STATION_([A-Z]+)_PASSWORD")
_ALARM_KEY = re.compile(r"WARD_STATION_ALARM_KEY_[A-Z0-9_]+")
MAX_BYTES = 64 * 1024  # a file of secrets is a few lines; anything larger is the wrong file


class SecretsFileError(ValueError):
    """The secrets file cannot be used; the message says why and what to do."""


def read_secrets_file(path: Path) -> dict[str, str]:
    """The secrets in `path`, by variable name. Raises SecretsFileError."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SecretsFileError(f"secrets file {path} does not exist") from None
    except OSError as exc:
        raise SecretsFileError(f"secrets file {path} cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SecretsFileError(f"secrets file {path} is not a file")
    if os.name == "posix" and info.st_mode & 0o077:
        raise SecretsFileError(f"secrets file {path} may be read by others (mode "
                               f"{info.st_mode & 0o777:o}): chmod 600 {path}")
    if info.st_size > MAX_BYTES:
        raise SecretsFileError(f"secrets file {path} is {info.st_size} bytes: not a secrets "
                               f"file (at most {MAX_BYTES})")
    return _secrets(_document(path), path)


def _document(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SecretsFileError(f"secrets file {path} cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SecretsFileError(f"secrets file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:  # says where, never what: it may be a password
        line = re.search(r"line (\d+)", str(exc))
        where = f"line {line.group(1)}" if line else "somewhere"
        raise SecretsFileError(f"secrets file {path} is not valid TOML ({where}): each line "
                               f"NAME = \"value\"") from None


def _secrets(document: dict[str, object], path: Path) -> dict[str, str]:
    found = {}
    for name, value in document.items():
        problem = _name_problem(name)
        if problem:
            raise SecretsFileError(f"secrets file {path}: {problem}")
        if not isinstance(value, str) or not value.strip():
            raise SecretsFileError(f"secrets file {path}: {name} must be a non-empty "
                                   f"string in quotes")
        found[name] = value.strip()
    return found


def _name_problem(name: str) -> str | None:
    password = _PASSWORD.fullmatch(name)
    if password and password.group(1).lower() in STORE_NAMES:
        return None
    if _ALARM_KEY.fullmatch(name):
        return None
    shown = name if len(name) <= 60 and name.isprintable() else repr(name[:60]) + "..."
    return (f"unknown name {shown} (known: WARD_STATION_<STORE>_PASSWORD for "
            f"{', '.join(STORE_NAMES)}, and WARD_STATION_ALARM_KEY_<REGION>)")
