"""The real station window on a temporary data folder, with the simulator feeding it."""

from __future__ import annotations

import dataclasses

import pytest

from app.bootstrap import start_station
from app.config import Config
from app.startup import open_station_stores
from stores.model import AlarmKind, AlarmLimits, Vital
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

pytestmark = pytest.mark.slow


def tiles_with_values(window) -> list:
    return [t for t in window.bed_grid.tiles() if t.view().occupied and not t.view().stale
            and any(n.value not in ("", "--", "-?-") for n in t.view().numerics)]


def physiological(alarm):
    return alarm if alarm is not None and alarm.kind is AlarmKind.PHYSIOLOGICAL else None


def test_the_station_shows_live_beds_alarms_and_keeps_edits(qapp, demo_data_dir):
    # The ward's heart-rate limit set tight, at once (as a charge nurse may set it for a ward of
    # slow hearts): most patients are over it, so an alarm comes within seconds; an episode
    # would take 20-40 s to ramp past the default limits and their delays.
    tight = AlarmLimits(Vital.HEART_RATE, high=60, delay_s=0)
    config = Config(data_dir=demo_data_dir, user="nurse.test")
    config = dataclasses.replace(config, ward_alarm_limits={config.ward: (tight,)})

    async def scenario() -> str:
        stores = await open_station_stores(config)
        station = await start_station(config, stores)
        window = station.window
        try:
            window.resize(1600, 960)
            window.show()
            await eventually(lambda: len(tiles_with_values(window)) >= 10, 20, "live tiles")
            # A patient's alarm at the top. On a loaded machine a technical one may come first
            # (the alarm channel's health check answered late) and leave once it answers.
            alarm = await eventually(lambda: physiological(window.banner.shown_alarm()), 40,
                                     "a patient's alarm in the banner")
            assert alarm.bed_id.startswith(config.ward)
            assert alarm.patient_name in window.banner.text.text()
            # the banner ignores a click in the second after the alarm it shows appeared (with
            # an episode every 4 s per bed, another may come first: it shows one as urgent)
            await eventually(lambda: window.banner.acknowledgeable()
                             and physiological(window.banner.shown_alarm()), 20,
                             "a patient's alarm shown for a second")
            alarm = window.banner.shown_alarm()
            window.banner.acknowledge.click()  # in the same turn of the loop: still that alarm
            await eventually(lambda: window.banner.shown_alarm() is None
                             or window.banner.shown_alarm().id != alarm.id, 5,
                             "the acknowledged alarm leaving the banner")
            # the acknowledgement is written in the background; the alarm may also have left
            # the banner by clearing, in the same moment: wait for the bus to have it

            async def acknowledged_by() -> str | None:
                found = {a.id: a for a in await stores.alerts.history(config.region, 0)}
                return found[alarm.id].acknowledged_by

            assert await eventually(acknowledged_by, 10, "the acknowledgement on the bus") == \
                "nurse.test"
            return await edit_selected_patient(window)
        finally:
            await station.stop()

    async def reopened(patient_id: str):
        stores = await open_station_stores(config)
        try:
            return await stores.patients.get(patient_id)
        finally:
            await stores.close()

    patient_id = run_on_qt_loop(scenario())
    patient = run_on_qt_loop(reopened(patient_id))
    assert patient.notes == "Edited in the end-to-end test"
    assert patient.version == 2


async def edit_selected_patient(window) -> str:
    panel = window.patient_panel
    loaded = await eventually(lambda: panel.form.loaded, 10, "the selected patient in the form")
    panel.form.editor("notes").setPlainText("Edited in the end-to-end test")
    panel.save_button.click()
    await eventually(lambda: panel.form.loaded is not None and panel.form.loaded.version == 2,
                     10, "the saved record")
    assert dataclasses.replace(panel.form.loaded, notes="", version=1, updated_at=0) == \
        dataclasses.replace(loaded, notes="", version=1, updated_at=0)
    return loaded.id
