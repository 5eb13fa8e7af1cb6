"""The lab's Java servers (Neo4j, Cassandra) for the tests: fetched into the user's own cache
folder when missing (Maven keeps what it downloads in ~/.m2 too), so a second session, and CI's
next run, start at once; skipped with the reason where Java 17 or Maven is missing or the fetch
fails (no network).

The tests point the user's folders at temporary ones (tests/conftest.py); the real cache folder
and environment are taken here at import, before any test runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import pytest

from app.lab.fetch import SERVERS, FetchError, JavaServer, fetch, server
from app.lab.java import ToolMissing, java17
from app.paths import default_cache_dir
from tests.servers import start_or_skip

T = TypeVar("T")

REAL_CACHE = default_cache_dir()
REAL_ENV = dict(os.environ)
# CI sets this where it installed Java 17 and Maven: a server that cannot be fetched or started
# there fails its tests instead of skipping them (nothing is skipped for Neo4j or Cassandra).
REQUIRED = os.environ.get("WARD_TEST_REQUIRE_JAVA") == "1"
# The first test of a Java server waits for the fetch (about 35 s without ~/.m2) and the start
# (Neo4j about 12 s, three Cassandra nodes about 25-40 s) on a busy 2-core machine.
START_TIMEOUT_S = 480
# Every test that needs a Java server runs in one pytest-xdist worker (`--dist loadgroup`), which
# starts each server once, while the other workers share out the rest of the suite.
GROUP = "java-servers"
START_WAIT_S = 300.0


def fetched_or_skip(name: str) -> tuple[JavaServer, str]:
    """The server's jars and the Java 17 to run them, fetching them first if need be."""
    said: list[str] = []
    try:
        java = java17()
        jars = server(name, REAL_CACHE)
        if not jars.fetched:
            fetch(REAL_CACHE, say=said.append, env=REAL_ENV)
    except (ToolMissing, FetchError) as exc:
        reason = f"{SERVERS[name]} cannot run here: {exc} {' | '.join(said[-5:])}".strip()
        (pytest.fail if REQUIRED else pytest.skip)(reason)
    return jars, java


def start_java_or_skip(what: str, start: Callable[[], T]) -> T:
    """`start_or_skip`, or, where CI requires the Java servers, a failure with the reason."""
    if not REQUIRED:
        return start_or_skip(what, start)
    try:
        return start()
    except (OSError, RuntimeError) as exc:
        pytest.fail(f"{what} could not be started here: {exc}")
