"""The user's folders for Ward Station: the one place that knows where files go on each OS."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from stores.embedded_db import make_private_dir

APP_NAME = "ward-station"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_cache_dir() -> Path:
    """Files the station can fetch again (the lab's Java servers): never backed up, never needed
    to run the station."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def ensure_writable_dir(path: Path) -> None:
    """Create `path` if needed, readable by the user only, and prove a file can be written in
    it; OSError says why not."""
    make_private_dir(path)
    probe = path / ".write-test"
    probe.write_bytes(b"")
    probe.unlink()
