"""Selecting a patient shows them everywhere, and the chart follows them when they change bed."""

from __future__ import annotations

import dataclasses

from app.bootstrap import start_station
from app.config import Config
from app.startup import open_station_stores
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


def test_the_chart_follows_the_selected_patient_to_another_bed(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False)

    async def scenario() -> None:
        stores = await open_station_stores(config)
        station = await start_station(config, stores)
        window = station.window
        try:
            patient_id = await eventually(lambda: window.selected_patient_id, 10, "a selection")
            patient = await stores.patients.get(patient_id)
            assert window.vitals_feed.selected_bed == patient.bed_id
            assert window.patient_panel.form.loaded is None or \
                window.patient_panel.form.loaded.id == patient_id

            beds = await stores.patients.beds(config.ward)
            occupied = {p.bed_id for p in await stores.patients.search(config.region, config.ward)}
            empty = next(b for b in beds if b.id not in occupied)
            await stores.patients.update(dataclasses.replace(patient, bed_id=empty.id), "doctor")
            await window.patients_feed.reload()

            assert window.vitals_feed.selected_bed == empty.id
            assert window.vitals_chart.header().startswith(empty.label)
        finally:
            await station.stop()

    run_on_qt_loop(scenario())
