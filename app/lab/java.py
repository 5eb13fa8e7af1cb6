"""Finding the Java and the Maven the lab's servers need: Java 17 runs both (Cassandra 5.0 runs on
Java 11 and 17 only, Neo4j 5.26 on 17 and 21), Maven fetches them."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

JAVA_FEATURE = 17
INSTALL = ("install OpenJDK 17 and Maven (Debian and Ubuntu: apt-get install "
           "openjdk-17-jdk-headless maven; macOS: brew install openjdk@17 maven)")


class ToolMissing(Exception):
    """Java 17 or Maven is not installed; the message says what to install, in one line."""


def java17() -> str:
    """The `java` program of a Java 17, or ToolMissing."""
    found = _java17()
    if found is None:
        raise ToolMissing(f"no Java {JAVA_FEATURE} found ({_java_seen()}): {INSTALL}")
    return found


def maven() -> str:
    """The `mvn` program, or ToolMissing."""
    found = shutil.which("mvn")
    if found is None:
        raise ToolMissing(f"Maven (mvn) is not on PATH: {INSTALL}")
    return found


@functools.cache
def _java17() -> str | None:
    for java in _candidates():
        if java_feature(java) == JAVA_FEATURE:
            return java
    return None


def _candidates() -> list[str]:
    """JAVA_HOME's java, then the one on PATH, then the JDKs installed where systems put them."""
    found = []
    if os.environ.get("JAVA_HOME"):
        found.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    if shutil.which("java"):
        found.append(str(shutil.which("java")))
    roots = {"linux": "/usr/lib/jvm/*", "darwin": "/Library/Java/JavaVirtualMachines/*/Contents/Home"}
    pattern = roots.get(sys.platform)
    if pattern:
        found += sorted(str(p / "bin" / "java") for p in Path("/").glob(pattern.lstrip("/")))
    return [java for java in dict.fromkeys(found) if Path(java).is_file()]


def java_feature(java: str) -> int | None:
    """The feature release of `java` (8, 11, 17, 21...), or None if it does not run."""
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8.0_402" is Java 8


def _java_seen() -> str:
    on_path = shutil.which("java")
    if on_path is None:
        return "no java on PATH"
    return f"the java on PATH is Java {java_feature(on_path) or '?'}"
