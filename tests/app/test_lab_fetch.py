"""`ward-station lab fetch`: Maven fetches the Java servers into the user's cache folder with a
line per artifact, a second run finds them and does nothing, and a machine without Java 17 or
Maven is told in one line what to install. Maven is a stand-in script here (the real fetch runs
in the session fixtures of tests/servers/java_servers.py)."""

from __future__ import annotations

import os
import stat
import sys

import pytest

import app.lab.java
from app.lab.fetch import server, versions
from tests.app.cli_runs import ward_station  # noqa: F401 (a fixture)
from tests.app.test_cli import assert_one_line_error

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in Maven is a shell script")

# Prints what Maven prints while downloading, and lays out each module's lib/ as Maven would.
FAKE_MAVEN = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in -Dservers.dir=*) dir="${arg#-Dservers.dir=}" ;; esac
done
echo "[INFO] Scanning for projects..."
echo "[INFO] Downloading from central: https://repo/org/neo4j/neo4j/x/neo4j-x.jar"
echo "[INFO] Downloaded from central: https://repo/org/neo4j/neo4j/x/neo4j-x.jar (1 kB at 1 kB/s)"
[ -n "$FAIL" ] && { echo "[ERROR] Could not resolve dependencies"; exit 1; }
mkdir -p "$dir/neo4j-$NEO4J/lib" "$dir/cassandra-$CASSANDRA/lib"
touch "$dir/neo4j-$NEO4J/lib/neo4j.jar" "$dir/cassandra-$CASSANDRA/lib/cassandra-all.jar"
echo "[INFO] BUILD SUCCESS"
"""


@pytest.fixture
def fake_maven(tmp_path, monkeypatch):
    """A stand-in `mvn` first on PATH, and whatever Java there is taken for Java 17."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mvn = bin_dir / "mvn"
    mvn.write_text(FAKE_MAVEN)
    mvn.chmod(mvn.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    found = versions()
    monkeypatch.setenv("NEO4J", found["neo4j"])
    monkeypatch.setenv("CASSANDRA", found["cassandra"])
    monkeypatch.setattr(app.lab.java, "_java17", lambda: "/opt/java-17/bin/java")
    return mvn


def test_fetch_shows_each_artifact_and_a_second_run_does_nothing(fake_maven, ward_station):
    first = ward_station("lab", "fetch")

    assert first.returncode == 0, first.stderr
    assert "Downloaded from central: https://repo/org/neo4j/neo4j/x/neo4j-x.jar" in first.stdout
    assert "Downloading from" not in first.stdout  # one line per artifact, not two
    assert server("neo4j").fetched and server("cassandra").fetched
    fake_maven.unlink()  # a second run must not need Maven to download anything

    second = ward_station("lab", "fetch")

    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines() == [
        f"{server('neo4j').title} and {server('cassandra').title} are already in "
        f"{server('neo4j').folder.parent}: nothing to fetch"]


def test_the_servers_go_to_the_users_cache_folder(isolated_user_folders):
    folder = server("cassandra").folder

    assert folder.is_relative_to(isolated_user_folders / ".cache")
    assert folder.name == f"cassandra-{versions()['cassandra']}"


def test_a_failed_maven_run_is_one_line_and_fetches_nothing(fake_maven, ward_station):
    result = ward_station("lab", "fetch", env={"FAIL": "1"})

    assert result.returncode == 2
    assert "[ERROR] Could not resolve dependencies" in result.stdout
    assert result.stderr.strip() == (
        "ward-station: error: Maven failed (exit code 1); its errors are above")
    assert not server("neo4j").fetched


def test_without_maven_the_user_is_told_what_to_install(fake_maven, tmp_path, ward_station):
    fake_maven.unlink()
    result = ward_station("lab", "fetch", env={"PATH": str(tmp_path / "bin")})

    assert_one_line_error(result, "Maven (mvn) is not on PATH: install OpenJDK 17 and Maven")


def test_without_java_17_the_user_is_told_what_to_install(monkeypatch, ward_station):
    monkeypatch.setattr(app.lab.java, "_java17", lambda: None)

    assert_one_line_error(ward_station("lab", "fetch"), "no Java 17 found")


@pytest.mark.parametrize("output, feature", [
    ('openjdk version "17.0.15" 2025-04-15', 17), ('java version "1.8.0_402"', 8),
    ('openjdk version "25" 2025-09-16', 25), ("no version here", None)])
def test_the_java_version_is_read_from_java_dash_version(tmp_path, output, feature):
    java = tmp_path / "java"
    java.write_text(f"#!/bin/sh\necho '{output}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)

    assert app.lab.java.java_feature(str(java)) == feature
