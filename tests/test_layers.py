"""The layering of ARCHITECTURE.md, checked by import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is not installed: pip install -e '.[test]'"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_top_level_is_as_designed():
    top = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")}
    expected = {"app", "widgets", "stores", "resources", "packaging", "tests", "docs",
                "pyproject.toml", "README.md"}
    local_only = {"build", "dist", "ward_station.egg-info", "__pycache__"}
    assert top - local_only == expected
