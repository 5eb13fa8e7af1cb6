"""The lint rules and the types of stores/, checked by ruff and mypy as pyproject.toml says."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def run(*command: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, input=stdin, capture_output=True, text=True,
                          timeout=300)


def test_ruff_finds_nothing():
    result = run(tool("ruff"), "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_applies_the_projects_rules():
    bad = "def admit(beds=[]):\n    return beds\n"  # a mutable default: bugbear's B006
    result = run(tool("ruff"), "check", "--no-cache", "--stdin-filename", "stores/x.py", "-",
                 stdin=bad)
    assert result.returncode == 1 and "B006" in result.stdout, result.stdout + result.stderr


def test_mypy_finds_nothing_in_stores():
    # A cache of this tree's own outside it: a second run takes seconds, the first ~30 s.
    tree = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"ward-station-mypy-{tree}"
    result = run(tool("mypy"), "--cache-dir", str(cache))
    assert result.returncode == 0, result.stdout + result.stderr
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    assert checked, result.stdout
    assert int(checked.group(1)) == len(list(ROOT.glob("stores/**/*.py")))
