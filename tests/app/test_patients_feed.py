"""The patients feed: what the form hears back when a save works, is refused, or cannot happen."""

from __future__ import annotations

import dataclasses
from datetime import date

from app.feeds.patients import PatientsFeed
from stores import StoreConfig, open_stores
from stores.model import Bed, Patient
from tests.app.qasync_helpers import run_on_qt_loop

BED = Bed("north-1-01", "north", "north-1", "Bed 1", 1)
NEW = Patient(id="", region="north", ward="north-1", mrn="N1", given_name="Ada",
              family_name="Byron", birth_date=date(1950, 5, 1), bed_id=BED.id)


class Heard:
    """Everything the feed said, signal by signal."""

    def __init__(self, feed: PatientsFeed) -> None:
        self.saved, self.problems, self.failures, self.wards = [], [], [], []
        feed.saved.connect(self.saved.append)
        feed.problem.connect(lambda field, message: self.problems.append((field, message)))
        feed.failed.connect(self.failures.append)
        feed.ward_loaded.connect(lambda ward: self.wards.append(dict(ward.patients_by_bed)))


def test_saves_problems_conflicts_and_outages_reach_the_form(qapp, tmp_path):
    async def scenario() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        await stores.patients.set_beds([BED])
        feed = PatientsFeed(stores.patients, stores.network, "north", "north-1", "nurse.test")
        heard = Heard(feed)
        try:
            await feed.save(NEW)
            ada = heard.saved[-1]
            assert ada.id and ada.version == 1
            assert heard.wards[-1] == {BED.id: ada}  # the grid hears of the admission
            assert (await stores.network.care_team(ada.id)).node(ada.id).label == "Ada Byron"

            await feed.save(dataclasses.replace(NEW, given_name="Bob"))  # same MRN
            assert heard.problems[-1][0] == "mrn"

            await feed.save(dataclasses.replace(ada, notes="first"))
            await feed.save(dataclasses.replace(ada, notes="second"))  # read at version 1
            assert "Someone else saved this patient first" in heard.failures[-1]

            await stores.close()  # the store is gone
            await feed.save(dataclasses.replace(ada, notes="third", version=2))
            assert heard.failures[-1].startswith("Not saved: the patient store is unavailable")
            assert "still in the form" in heard.failures[-1]
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(scenario())
