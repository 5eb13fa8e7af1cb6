"""The command line: mistakes end in one line naming the problem and exit code 2, never a
traceback. Parsing and messages are checked in this process (`ward_station`); the exit code and
the absence of a traceback also as a process of its own (`ward_station_process`), as a shell
sees them."""

from __future__ import annotations

import pytest

from tests.app.cli_runs import Run, ward_station, ward_station_process  # noqa: F401 (a fixture)


def assert_one_line_error(result: Run, words: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ward-station: error: ")
    assert words in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_option(tmp_path):
    assert_one_line_error(ward_station_process("--bogus", "--data-dir", str(tmp_path)),
                          "unrecognized arguments: --bogus")


def test_missing_config_file(tmp_path, ward_station):
    assert_one_line_error(ward_station("--config", str(tmp_path / "missing.toml")),
                          "missing.toml does not exist")


def test_malformed_config_file(tmp_path, ward_station):
    config = tmp_path / "station.toml"
    config.write_text('ward = "north-1\n', encoding="utf-8")
    assert_one_line_error(ward_station("--config", str(config)), "is not valid TOML")


def test_unwritable_data_folder(tmp_path, ward_station):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert_one_line_error(ward_station("--data-dir", str(blocker / "data")),
                          "is not writable")


def test_unknown_ward(demo_data_dir):
    result = ward_station_process("--data-dir", str(demo_data_dir), "--ward", "east-9",
                                  "--screenshot", str(demo_data_dir / "s.png"), "--after", "0")
    assert_one_line_error(result, "ward 'east-9' has no beds")


@pytest.mark.parametrize("command", [["--help"], ["run", "--help"], ["simulate", "--help"],
                                     ["lab", "fetch", "--help"]])
def test_help_describes_the_commands(command, ward_station):
    result = ward_station(*command)
    assert result.returncode == 0
    assert "usage: ward-station" in result.stdout


def test_a_ward_of_another_region(demo_data_dir):
    result = ward_station_process("--data-dir", str(demo_data_dir), "--region", "south",
                                  "--ward", "north-1",
                                  "--screenshot", str(demo_data_dir / "s.png"), "--after", "0")
    assert_one_line_error(result, "ward 'north-1' is in region 'north', not 'south'")


def test_the_station_is_drawn_in_its_theme_at_the_size_asked(tmp_path):
    """The theme is applied once the window is built (it builds faster so): still before the
    window is first shown."""
    from PySide6.QtGui import QImage

    from widgets import palette

    shot = tmp_path / "s.png"
    result = ward_station_process("--data-dir", str(tmp_path / "data"), "--screenshot", str(shot),
                                  "--after", "0", "--size", "1366x768")
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1366, 768)
    assert image.pixelColor(2, 500).name() == palette.BACKGROUND  # the window's edge, not Qt's


@pytest.mark.parametrize(("size", "words"), [("big", "is not a size such as 1366x768"),
                                             ("1366x50", "between 200 and 8192 pixels")])
def test_a_window_size_it_cannot_use(size, words, ward_station):
    assert_one_line_error(ward_station("--size", size), words)


def test_a_window_size_is_read_as_width_and_height():
    from app.cli import parse_args

    assert parse_args(["--size", "1366X768"]).size == (1366, 768)
    assert parse_args([]).size is None


def test_a_screenshot_folder_that_cannot_be_made(tmp_path, seeded_demo):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    seeded_demo.copy_into(tmp_path / "data")
    result = ward_station_process("--data-dir", str(tmp_path / "data"),
                                  "--screenshot", str(blocker / "shots" / "s.png"), "--after", "0")
    assert_one_line_error(result, "cannot write the screenshot")


SECRET = "S3cretPW"


@pytest.mark.parametrize(("store", "url", "words"), [
    ("patients", f"mongodb+srv://nurse:{SECRET}@h/ward", "the URL carries a password"),
    ("vitals", f"influxdb://influx:8086/vitals?token={SECRET}", "the URL carries a secret"),
    ("alerts", f"redis://r:6379/0?token={SECRET}", "the URL carries a secret (?token=)"),
    ("network", f"neo4j://n1:7687?auth={SECRET}", "Neo4j URLs have no option 'auth'"),
    ("analytics", f"cassandra://c1/ks?dc=dc1&pass={SECRET}", "Cassandra URLs have no option"),
])
def test_check_never_prints_a_secret_written_into_a_store_url(tmp_path, ward_station, store, url,
                                                              words):
    result = ward_station("check", "--data-dir", str(tmp_path), **{store: url})

    assert_one_line_error(result, f"stores.{store}: {words}")
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(("store", "url", "words"), [
    ("alerts", "redis://[::1/0", "stores.alerts: the URL is malformed"),
    ("network", "neo4j://n1,[fe80::1:7687", "stores.network: the URL is malformed"),
    ("patients", "mongodb://127.0.0.1:1/ward?tls=true&tlsCAFile=/nonexistent/ca.pem",
     "stores.patients: MongoDB option tlsCAFile=/nonexistent/ca.pem: no such file"),
])
def test_a_malformed_store_url_is_one_line_not_a_traceback(tmp_path, ward_station, store, url,
                                                            words):
    result = ward_station("check", "--data-dir", str(tmp_path), **{store: url})

    assert_one_line_error(result, words)


def test_a_tls_file_that_is_not_pem_is_one_line_not_a_traceback(tmp_path, ward_station):
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("this is no certificate\n")
    url = f"mongodb://127.0.0.1:1/ward?tls=true&tlsCAFile={not_pem}"

    result = ward_station("check", "--data-dir", str(tmp_path / "data"), patients=url)

    assert_one_line_error(result, f"MongoDB option tlsCAFile={not_pem}: the file cannot be used "
                                  "for TLS")
