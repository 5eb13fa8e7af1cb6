"""Closing the station with open alarms asks first (without a nested event loop); start, close
and a muted alarm sound are audited; a close the program decides asks nothing."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from app.bootstrap import start_station
from app.config import Config
from app.startup import open_station_stores
from app.station_audit import CLOSED, MUTED, STARTED
from stores.model import Alarm, AlarmKind, Priority
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

OPEN = Alarm(id="a1", region="north", ward="north-1", bed_id="north-1-01", patient_id="p1",
             patient_name="Ada Byron", priority=Priority.HIGH, condition="SpO\u2082 low",
             raised_at=1.0, kind=AlarmKind.PHYSIOLOGICAL, value=84.0)


@pytest.fixture(autouse=True)
def windows_closed_in_a_test_do_not_quit(qapp):
    """Closing the last window would end the event loop the test runs on (the app quits)."""
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(True)


def button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text() == text)


def station_log(stores) -> list:
    return [e for e in stores if e.action in (STARTED, CLOSED, MUTED)]


def run_station_scenario(config: Config, act) -> list:
    """Start a station on `config`, `act` on its window, stop it; the station's audit entries,
    oldest first."""
    async def scenario():
        stores = await open_station_stores(config)
        station = await start_station(config, stores)
        try:
            await act(station.window)
        finally:
            await station.stop()
        reopened = await open_station_stores(config)
        try:
            return station_log(reversed(await reopened.patients.audit_log(limit=20)))
        finally:
            await reopened.close()

    return run_on_qt_loop(scenario())


def test_closing_with_open_alarms_asks_first_and_is_audited(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False)
    closed = []

    async def act(window):
        window.closed.connect(lambda: closed.append(True))
        window.show()
        window.alarms_feed.alarms_changed.emit([OPEN])
        assert window.close() is False  # asked, not closed
        box = window.close_box
        assert box is not None and box.isVisible() and not closed
        assert "1 alarm is open on north-1" in box.text()
        button(box, "Keep open").click()
        await eventually(lambda: window.close_box is None, 5, "the question going")
        assert window.isVisible() and not closed
        window.close()
        button(window.close_box, "Close station").click()
        await eventually(lambda: closed, 5, "the window closing")
        assert not window.isVisible()

    entries = run_station_scenario(config, act)
    assert [(e.action, e.user) for e in entries] == [(STARTED, "nurse.test"),
                                                     (CLOSED, "nurse.test")]
    assert entries[0].detail.startswith("ward north-1, region north, environment training")
    assert entries[1].detail == "ward north-1, closed by nurse.test with 1 alarm(s) open, confirmed"


def test_closing_without_open_alarms_or_by_the_program_asks_nothing(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False)

    async def act(window):
        window.show()
        window.alarms_feed.alarms_changed.emit([OPEN.clear(2.0).acknowledge("nurse", 3.0)])
        assert window.close() is True and window.close_box is None

    entries = run_station_scenario(config, act)
    assert entries[-1].detail == "ward north-1, closed by nurse.test, no alarms open"

    async def act_as_program(window):
        window.show()
        window.alarms_feed.alarms_changed.emit([OPEN])
        window.close_without_confirmation("screenshot saved to /tmp/s.png")
        assert not window.isVisible() and window.close_box is None

    entries = run_station_scenario(config, act_as_program)
    assert entries[-1].detail == "ward north-1, screenshot saved to /tmp/s.png"


def test_a_muted_training_station_says_so_and_audits_it(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="trainer.ng", simulator=False, alarm_audio=False)

    async def act(window):
        assert window.alarm_audio.muted
        assert window.banner.audio.text() == "Audio muted (training)"

    entries = run_station_scenario(config, act)
    muted = [e for e in entries if e.action == MUTED]
    assert len(muted) == 1 and muted[0].user == "trainer.ng"
    assert "environment training" in muted[0].detail


def test_a_clinical_station_never_mutes(qapp, demo_data_dir):
    # load_config refuses this; built directly, the window still does not obey it
    config = Config(data_dir=demo_data_dir, simulator=False, alarm_audio=False,
                    environment="clinical")

    async def act(window):
        assert not window.alarm_audio.muted
        assert window.banner.audio.text() != "Audio muted (training)"

    run_station_scenario(config, act)


def test_a_screenshot_closes_without_asking_and_is_audited(tmp_path, seeded_demo):
    data = tmp_path / "data"
    seeded_demo.copy_into(data)
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), "--screenshot",
         str(tmp_path / "s.png"), "--after", "0"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(data / "ward-station.sqlite3") as db:
        rows = db.execute("SELECT action, detail FROM audit WHERE action LIKE 'station %' "
                          "ORDER BY seq").fetchall()
    assert [action for action, _detail in rows] == [STARTED, CLOSED]
    assert rows[1][1].startswith("ward north-1, screenshot saved to ")


def test_the_start_is_audited_even_when_the_window_never_closes(qapp, demo_data_dir):
    config = dataclasses.replace(Config(data_dir=demo_data_dir, simulator=False), user="bench")

    async def act(window):
        pass

    entries = run_station_scenario(config, act)
    assert [e.action for e in entries] == [STARTED, CLOSED]
    assert entries[1].detail == "ward north-1, stopped by the program without closing the window"
