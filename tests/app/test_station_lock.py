"""One station at a time on a data folder: a second start is refused naming the first, and the
folder is free again however the first ended (closed, or killed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from app.station_lock import PID_NAME, StationRunning, holder, one_station


def test_a_second_station_on_the_same_folder_is_refused_naming_the_first(tmp_path):
    shot = tmp_path / "shot.png"
    with one_station(tmp_path):
        second = subprocess.run(
            [sys.executable, "-m", "app", "run", "--data-dir", str(tmp_path), "--screenshot",
             str(shot), "--after", "1"], capture_output=True, text=True, timeout=120,
            env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    assert second.returncode == 2, second.stderr
    assert f"already running on the data folder {tmp_path} (process {os.getpid()}" \
        in second.stderr, second.stderr
    assert "--data-dir" in second.stderr and "Traceback" not in second.stderr
    assert not shot.exists()


def test_the_folder_is_free_again_once_the_station_ends(tmp_path):
    with one_station(tmp_path):
        assert (tmp_path / PID_NAME).read_text().strip() == str(os.getpid())
        try:
            with one_station(tmp_path):
                raise AssertionError("a second hold of the same folder was allowed")
        except StationRunning as exc:
            assert f"process {os.getpid()}" in str(exc)
    assert not (tmp_path / PID_NAME).exists()
    with one_station(tmp_path):
        pass


def test_a_killed_station_leaves_the_folder_free(tmp_path):
    held = subprocess.Popen(
        [sys.executable, "-c", "import sys, pathlib\nfrom app.station_lock import one_station\n"
         "with one_station(pathlib.Path(sys.argv[1])):\n    print('held', flush=True)\n"
         "    sys.stdin.read()\n", str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert held.stdout.readline().strip() == "held"  # the signal: it holds the folder
        try:
            with one_station(tmp_path):
                raise AssertionError("the folder was free while another process held it")
        except StationRunning as exc:
            assert f"process {held.pid}" in str(exc)
    finally:
        held.send_signal(signal.SIGKILL)
        held.wait(30)
    with one_station(tmp_path):  # the lock went with the process; its pid file was left
        assert (tmp_path / PID_NAME).read_text().strip() == str(os.getpid())


@given(text=st.text(max_size=30))
def test_whatever_the_pid_file_holds_the_hint_never_fails(tmp_path_factory, text):
    pid_file = tmp_path_factory.mktemp("pid") / PID_NAME
    pid_file.write_text(text)
    said = holder(pid_file)
    assert said == "" or said.startswith(" (process ")


def test_a_pid_file_naming_no_running_process_names_none(tmp_path):
    pid_file = tmp_path / PID_NAME
    pid_file.write_text("999999999\n")
    assert holder(pid_file) == ""
    assert holder(tmp_path / "missing") == ""


def test_a_folder_that_cannot_be_locked_still_starts_the_station_and_says_so(tmp_path, caplog):
    (tmp_path / "station.lock").mkdir()  # where the lock file would be
    ran = False
    with one_station(tmp_path):
        ran = True
    assert ran
    assert "cannot lock the data folder" in caplog.text
