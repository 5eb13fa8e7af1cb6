"""The command line: mistakes end in one line naming the problem and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def ward_station(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          timeout=60, env=env, cwd=cwd)


def assert_one_line_error(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ward-station: error: ")
    assert words in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_option(tmp_path):
    assert_one_line_error(ward_station("--bogus", "--data-dir", str(tmp_path)),
                          "unrecognized arguments: --bogus")


def test_missing_config_file(tmp_path):
    assert_one_line_error(ward_station("--config", str(tmp_path / "missing.toml")),
                          "missing.toml does not exist")


def test_malformed_config_file(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text('ward = "north-1\n', encoding="utf-8")
    assert_one_line_error(ward_station("--config", str(config)), "is not valid TOML")


def test_unwritable_data_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert_one_line_error(ward_station("--data-dir", str(blocker / "data")),
                          "is not writable")


def test_unknown_ward(tmp_path):
    result = ward_station("--data-dir", str(tmp_path), "--ward", "east-9",
                          "--screenshot", str(tmp_path / "s.png"), "--after", "0")
    assert_one_line_error(result, "ward 'east-9' has no beds")


@pytest.mark.parametrize("command", [["--help"], ["run", "--help"], ["simulate", "--help"]])
def test_help_describes_the_commands(command):
    result = ward_station(*command)
    assert result.returncode == 0
    assert "usage: ward-station" in result.stdout


def test_a_ward_of_another_region(tmp_path):
    result = ward_station("--data-dir", str(tmp_path), "--region", "south", "--ward", "north-1",
                          "--screenshot", str(tmp_path / "s.png"), "--after", "0")
    assert_one_line_error(result, "ward 'north-1' is in region 'north', not 'south'")


def test_a_screenshot_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = ward_station("--data-dir", str(tmp_path / "data"),
                          "--screenshot", str(blocker / "shots" / "s.png"), "--after", "0")
    assert_one_line_error(result, "cannot write the screenshot")
