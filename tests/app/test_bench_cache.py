"""`ward-station bench cache`: the reads of a region's stations that reach the stores, without and
with the Redis cache; what it lacks is said in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.app.cli_runs import ward_station  # noqa: F401 (a fixture)
from tests.servers import free_port

KEYS = {"db_reads_without_cache", "db_reads_with_cache", "hit_ratio"}


@pytest.mark.slow
def test_without_a_config_it_runs_on_a_redis_server_of_its_own():
    done = subprocess.run([sys.executable, "-m", "app", "bench", "cache", "--stations", "3",
                           "--json"], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert KEYS <= set(figures) and figures["stations"] == 3
    assert figures["db_reads_without_cache"] == figures["reads"] > 300  # every read, uncached
    assert 0 < figures["db_reads_with_cache"] < figures["db_reads_without_cache"] / 2
    assert figures["hit_ratio"] == pytest.approx(
        1 - figures["db_reads_with_cache"] / figures["reads"], abs=0.02)
    assert figures["edits"] == 5 and figures["edit_conflicts"] == 0  # never a stale record saved
    assert figures["refused_entries"] == 0
    assert "db_read_share" in done.stdout and "(target <= 0.1:" in done.stdout


def test_what_it_lacks_is_one_line_and_exit_2(ward_station, tmp_path, monkeypatch):
    embedded = tmp_path / "embedded.toml"
    embedded.write_text("")
    unsigned = tmp_path / "unsigned.toml"
    unsigned.write_text(f'[stores]\nalerts = "redis://127.0.0.1:{free_port()}/0"\n')

    no_redis = ward_station("bench", "cache", "--config", str(embedded))
    no_key = ward_station("bench", "cache", "--config", str(unsigned))
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server to start
    no_program = ward_station("bench", "cache")

    for result, words in [(no_redis, "needs a Redis alert store"),
                          (no_key, "region north has no alarm signing key"),
                          (no_program, "install redis-server (none on PATH)")]:
        assert result.returncode == 2, result.stdout + result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
