"""The lint rules, checked by ruff as pyproject.toml says."""

from __future__ import annotations

import shutil
import subprocess
import sys
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

