"""The selected bed's strips in the station: its ECG from the ward's one fetch, its pleth from
the selected feed, swept at the station's calibrated scale like the tiles."""

from __future__ import annotations

import asyncio
import time

from app.bootstrap import start_station
from app.config import Config
from app.startup import open_station_stores
from stores.model import Waveform, WaveformChunk
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


def test_the_selected_beds_ecg_is_fetched_once_with_the_wards(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False,
                    screen_px_per_mm=3.0)

    async def scenario() -> None:
        stores = await open_station_stores(config)
        asked: list[tuple[int, Waveform | None]] = []
        fetch = stores.vitals.waveforms

        async def recorded(bed_ids, since, waveform=None):
            bed_ids = list(bed_ids)
            asked.append((len(bed_ids), waveform))
            return await fetch(bed_ids, since, waveform)

        stores.vitals.waveforms = recorded
        station = await start_station(config, stores)
        window = station.window
        try:
            await eventually(lambda: window.selected_patient_id, 10, "a selection")
            bed = window.vitals_feed.selected_bed
            # a bedside monitor sending half a second at a time while the test waits: on a
            # loaded machine one chunk could be too old to sweep by the time it is fetched
            monitor = asyncio.ensure_future(_monitor(stores, bed))
            strips = window.vitals_chart.waveforms.strips
            try:
                await eventually(lambda: all(s.sweep.newest for s in strips.values()), 10,
                                 "the selected bed's ECG and pleth in its strips")
            finally:
                monitor.cancel()
            assert window.bed_grid.tile(bed).ecg.sweep.newest is not None  # and in its tile
            beds = len(window.bed_grid.tiles())
            assert (beds, Waveform.ECG_II) in asked
            # one fetch of the ECG (every bed's); the selected bed's own asks for pleth only
            assert set(asked) == {(beds, Waveform.ECG_II), (1, Waveform.PLETH)}
            assert window.bed_grid.pixels_per_mm() == window.vitals_chart.waveforms.pixels_per_mm() == 3.0
        finally:
            await station.stop()

    run_on_qt_loop(scenario())


async def _monitor(stores, bed: str) -> None:
    while True:
        start = time.time() - 0.5
        await stores.vitals.write_waveforms([
            WaveformChunk(bed, Waveform.ECG_II, start, 250.0, (0.4,) * 125),
            WaveformChunk(bed, Waveform.PLETH, start, 125.0, (0.6,) * 63)])
        await asyncio.sleep(0.5)
