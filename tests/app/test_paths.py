"""The user's folders: the data folder the station creates is the user's alone."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from app.paths import ensure_writable_dir


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no POSIX permission bits")
def test_the_data_folder_the_station_creates_is_the_users_alone(tmp_path):
    ensure_writable_dir(tmp_path / "new" / "data")
    assert stat.S_IMODE(os.stat(tmp_path / "new" / "data").st_mode) == 0o700
