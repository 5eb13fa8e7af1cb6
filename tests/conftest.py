"""Test set-up shared by every test: Qt offscreen, and no test touches the developer's own folders."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path_factory, monkeypatch):
    """Point the user's config and data folders at a temporary folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in list(os.environ):
        if name.startswith("WARD_STATION_"):
            monkeypatch.delenv(name)
    return home


@pytest.fixture(autouse=True)
def quiet_alarm_sound(monkeypatch):
    """Stations built in a test decide their alarm sounds as usual but play nothing, so a
    developer's speakers stay quiet (tests/widgets/test_alarm_sound.py tests the output)."""
    import app.main_window

    monkeypatch.setattr(app.main_window, "open_burst_output", lambda parent: None)


# the real servers' session fixtures (each skips with its reason where it cannot run)
from tests.servers.cassandra import cassandra_server  # noqa: E402,F401
from tests.servers.influx import influx_server  # noqa: E402,F401
from tests.servers.mongo import mongo_server  # noqa: E402,F401
from tests.servers.neo4j import neo4j_server  # noqa: E402,F401
from tests.servers.redis import redis_server  # noqa: E402,F401
