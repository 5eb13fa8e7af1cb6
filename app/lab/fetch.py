"""Fetching the lab's Java servers from Maven Central into the user's cache folder, through the
Maven project in packaging/servers (which names the versions); a second fetch finds them there.

Each server lands in CACHE/servers/<name>-<version>/lib (its jars and their dependencies); a
`.fetched` file beside lib/ says that Maven finished, so an interrupted fetch is done again.
Maven keeps what it downloads in ~/.m2 as well, so fetching again after the cache folder was
cleared copies jars without downloading them.
"""

from __future__ import annotations

import os
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.lab.java import java17, maven

POM = Path(__file__).resolve().parents[2] / "packaging" / "servers" / "pom.xml"
SERVERS = {"neo4j": "Neo4j", "cassandra": "Cassandra"}  # the Maven modules, and their names
MARK = ".fetched"
# What of Maven's output shows progress: one line per artifact downloaded, errors, the outcome.
_SHOWN = ("Downloaded from", "[ERROR]", "BUILD ")


class FetchError(Exception):
    """The servers could not be fetched; the message says why, in one line."""


@dataclass(frozen=True)
class JavaServer:
    """One fetched (or to be fetched) server: its jars in `folder`/lib."""

    name: str  # "neo4j", "cassandra"
    version: str
    folder: Path

    @property
    def title(self) -> str:
        return f"{SERVERS[self.name]} {self.version}"

    @property
    def fetched(self) -> bool:
        return (self.folder / MARK).is_file()

    @property
    def class_path(self) -> str:
        """The JVM's -cp: every jar of lib/ (Java expands the *)."""
        return str(self.folder / "lib" / "*")


def servers_dir(cache_dir: Path | None = None) -> Path:
    return (cache_dir or paths.default_cache_dir()) / "servers"


def server(name: str, cache_dir: Path | None = None) -> JavaServer:
    """The server `name` as packaging/servers/pom.xml names its version."""
    version = versions()[name]
    return JavaServer(name, version, servers_dir(cache_dir) / f"{name}-{version}")


def versions(pom: Path = POM) -> dict[str, str]:
    """{"neo4j": "5.26.30", "cassandra": "5.0.9"}, from the pom's properties."""
    try:
        root = ElementTree.parse(pom).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise FetchError(f"cannot read the Maven project {pom} ({exc}); the lab's servers are "
                         "fetched from a clone of the repository") from None
    space = {"m": "http://maven.apache.org/POM/4.0.0"}
    found = {name: root.findtext(f"m:properties/m:{name}.version", namespaces=space)
             for name in SERVERS}
    missing = [name for name, version in found.items() if not version]
    if missing:
        raise FetchError(f"{pom} names no {', '.join(missing)} version")
    return {name: str(version) for name, version in found.items()}


def fetch(cache_dir: Path | None = None, say: Callable[[str], None] = print,
          env: dict[str, str] | None = None) -> list[JavaServer]:
    """Fetch every server that is not in the cache yet, showing Maven's progress through `say`.
    Raises ToolMissing (no Java 17 or Maven) or FetchError."""
    java17()  # the servers need it: say so before downloading them
    mvn = maven()
    wanted = [server(name, cache_dir) for name in SERVERS]
    where = servers_dir(cache_dir)
    if all(s.fetched for s in wanted):
        say(f"{_titles(wanted)} are already in {where}: nothing to fetch")
        return wanted
    say(f"Fetching {_titles(wanted)} from Maven Central into {where} ...")
    started = time.monotonic()
    _run_maven([mvn, "-B", "-f", str(POM), f"-Dservers.dir={where}", "package"], say, env)
    for fetched in wanted:
        jars = len(list((fetched.folder / "lib").glob("*.jar")))
        (fetched.folder / MARK).write_text(f"{jars} jars\n", encoding="utf-8")
    say(f"Fetched {_titles(wanted)} in {time.monotonic() - started:.0f} s")
    return wanted


def _run_maven(argv: list[str], say: Callable[[str], None], env: dict[str, str] | None) -> None:
    try:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, env=env or dict(os.environ))
    except OSError as exc:
        raise FetchError(f"cannot run Maven: {exc.strerror or exc}") from None
    assert process.stdout is not None
    with process:
        for line in process.stdout:
            if any(word in line for word in _SHOWN):
                say(line.rstrip().removeprefix("[INFO] "))
    if process.returncode != 0:
        raise FetchError(f"Maven failed (exit code {process.returncode}); its errors are above")


def _titles(wanted: list[JavaServer]) -> str:
    return " and ".join(s.title for s in wanted)
