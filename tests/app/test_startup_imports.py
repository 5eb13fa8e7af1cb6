"""Start-up stays fast: what the first frame does without is not imported while a station starts."""

from __future__ import annotations

import os
import subprocess
import sys

# Slow imports (tenths of a second each) that the station's first frame does without: the care
# graph's networkx is imported when a care team is first laid out, miniaudio when the sound
# output is opened, and a real backend's driver only when that backend is configured.
DRIVERS = ("pymongo", "neo4j", "cassandra", "redis", "aiohttp")
NOT_AT_START = ("networkx", "miniaudio", *DRIVERS)


def modules_after(code: str) -> set[str]:
    """The names of the modules loaded after running `code` in a fresh interpreter."""
    script = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_the_station_window_imports_nothing_it_does_not_draw_first():
    loaded = modules_after("import app.cli, app.bootstrap, app.main_window")
    assert "pyqtgraph" in loaded  # the check can fail: the vitals chart does need it
    assert {name for name in NOT_AT_START if name in loaded} == set()


def test_reading_the_specs_and_parsing_urls_imports_no_driver():
    loaded = modules_after("import stores.backends, stores.urls\n"
                           "stores.urls.parse_store_url('alerts', 'redis://r/0')")
    assert "stores.vitals.influx.spec" in loaded  # the check can fail: the specs were read
    assert {name for name in DRIVERS if name in loaded} == set()


def test_networkx_is_imported_when_a_care_team_is_first_laid_out():
    loaded = modules_after(
        "import widgets.care_graph.layout as layout, sys\n"
        "assert 'networkx' not in sys.modules\n"
        "from stores.model import CareGraph\n"
        "assert layout.ring_layout(CareGraph('p1')) == {}")
    assert "networkx" in loaded
