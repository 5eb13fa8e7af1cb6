"""A store that fails: its panel says so with the reason, the rest keeps working, and it recovers."""

from __future__ import annotations

import pytest

from app.bootstrap import start_station
from app.config import Config
from app.startup import open_station_stores
from stores.errors import StoreUnavailable
from stores.network import CareNetworkStore
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

pytestmark = pytest.mark.slow


class SwitchableCareNetwork(CareNetworkStore):
    """The real embedded store, which can be made to fail like a server that went away."""

    REASON = "connection refused by neo4j-1:7687"

    def __init__(self, store: CareNetworkStore) -> None:
        self._store = store
        self.down = False

    async def _call(self, method: str, *args):
        if self.down:
            raise StoreUnavailable(self.REASON)
        return await getattr(self._store, method)(*args)

    async def put_clinician(self, clinician):
        return await self._call("put_clinician", clinician)

    async def put_patient(self, patient_id, name):
        return await self._call("put_patient", patient_id, name)

    async def remove_patient(self, patient_id):
        return await self._call("remove_patient", patient_id)

    async def link(self, link):
        return await self._call("link", link)

    async def unlink(self, link):
        return await self._call("unlink", link)

    async def clinicians(self, region):
        return await self._call("clinicians", region)

    async def care_team(self, patient_id):
        return await self._call("care_team", patient_id)

    async def health(self):
        return await self._call("health")

    async def close(self) -> None:
        await self._store.close()


def newest_sample_time(window) -> float:
    return max((s.time for s in window.vitals_feed.latest.values()), default=0.0)


def status_text(window) -> str:
    return " | ".join(window.store_status.texts())


def test_a_failing_store_is_shown_and_recovers_by_itself(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test")

    async def scenario() -> None:
        stores = await open_station_stores(config)
        network = SwitchableCareNetwork(stores.network)
        stores.network = network
        station = await start_station(config, stores)
        window = station.window
        window.network_feed._refresh_s = 0.2  # noqa: SLF001 - poll fast so the test is short
        try:
            window.show()
            await eventually(window.care_graph.node_items, 10, "a care team")
            network.down = True
            await eventually(lambda: not window.network_panel.is_available(), 5, "unavailable")
            assert SwitchableCareNetwork.REASON in window.network_panel.unavailable_reason()
            await eventually(lambda: "network \u00b7 down" in status_text(window), 5,
                             "the status bar saying the store is down")
            # The rest of the window keeps working: the tiles still receive new vitals.
            before = newest_sample_time(window)
            await eventually(lambda: newest_sample_time(window) > before, 5, "new vitals")
            assert window.patients_panel.is_available() and window.vitals_panel.is_available()
            network.down = False
            await eventually(window.network_panel.is_available, 5, "the panel recovering")
        finally:
            await station.stop()

    run_on_qt_loop(scenario())
