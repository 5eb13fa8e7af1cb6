"""Test set-up shared by every test: Qt offscreen, and no test touches the developer's own folders."""

from __future__ import annotations

import gc
import os

import pytest

from tests.hypothesis_profiles import load_profile
from tests.servers import java_servers

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
load_profile()  # Hypothesis: quick unless HYPOTHESIS_PROFILE says otherwise


# The Java servers (Neo4j, a 3-node Cassandra) take 3.5 GB and half a minute to start: every test
# that needs one goes to the same pytest-xdist worker (tests/servers/java_servers.py).
JAVA_FIXTURES = frozenset({"cassandra_cluster", "cassandra_server", "cassandra_lab_keyspace",
                           "neo4j_server"})


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's, which reads the groups once
def pytest_collection_modifyitems(items):
    for item in items:
        if JAVA_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group(java_servers.GROUP))


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own, which names each test's group
def pytest_collection_finish(session):
    """A worker of `--dist loadgroup` whose tests' ids lack their group: the groups are not
    kept together, and each worker would start the Java servers of its own (twice the memory
    and the start-up on two cores). It happened silently with pytest 9.2
    (pytest-dev/pytest-xdist#1386), so it stops the run instead."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [item.nodeid for item in session.items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(
            f"pytest-xdist's --dist loadgroup did not name the group of {len(lost)} test(s), "
            f"{lost[0]} first: they would not run in one worker. Install a pytest that it "
            "works with (pyproject.toml's test extra says which).")


def pytest_sessionstart(session):
    """Garbage collected on the main thread (Qt's) only, between tests. Left to itself, the
    collector runs on whichever thread allocates (a driver's, a worker's of asyncio.to_thread)
    and can free there the Qt objects of an earlier test, off their thread: a likely cause of
    the test worker that died of a segfault in CI once. (The station itself keeps the
    automatic collector: collecting on its UI thread only was tried, and its full collections
    there took up to 380 ms; see app/collector.py.)"""
    gc.disable()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        _collect_due()  # after the test's fixtures are torn down
        if gc.isenabled():  # it would collect on any thread from now on, Qt objects too
            gc.disable()
            raise RuntimeError(f"{item.nodeid} left the automatic garbage collector on: "
                               "the suite keeps it off (pytest_sessionstart)")


def _collect_due() -> None:
    """What the collector's thresholds say is due, collected here and now."""
    threshold0, threshold1, threshold2 = gc.get_threshold()
    count0, count1, count2 = gc.get_count()
    if count0 > threshold0:
        gc.collect(0 if count1 <= threshold1 else 1 if count2 <= threshold2 else 2)


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


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory):
    """The demo hospital seeded once per session: `seeded_demo.copy_into(data_dir, now=...)`
    puts a copy into a test's data folder (tests/seeded_demo.py)."""
    from tests.seeded_demo import SeededDemo

    return SeededDemo(tmp_path_factory.mktemp("seeded-demo"))


@pytest.fixture
def demo_data_dir(tmp_path, seeded_demo):
    """`tmp_path` as a station's data folder after its first run seeded the demo hospital."""
    seeded_demo.copy_into(tmp_path)
    return tmp_path


# the real servers' session fixtures (each skips with its reason where it cannot run)
from tests.servers.cassandra import (  # noqa: E402,F401
    cassandra_cluster,
    cassandra_lab_keyspace,
    cassandra_server,
)
from tests.servers.influx import influx_server  # noqa: E402,F401
from tests.servers.mongo import mongo_server  # noqa: E402,F401
from tests.servers.neo4j import neo4j_server  # noqa: E402,F401
from tests.servers.redis import redis_server  # noqa: E402,F401
