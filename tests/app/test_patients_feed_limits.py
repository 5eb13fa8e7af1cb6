"""The patients feed and a patient's alarm limits: a widening beyond the ward's default is
audited with the old and new values, and the station's tighter bounds are refused."""

from __future__ import annotations

import dataclasses
from datetime import date

from app.feeds.patients import WIDENED, PatientsFeed
from stores import StoreConfig, open_stores
from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds
from stores.model import AlarmLimits, Bed, Patient, Vital
from tests.app.qasync_helpers import run_on_qt_loop

BED = Bed("north-1-01", "north", "north-1", "Bed 1", 1)
NEW = Patient(id="", region="north", ward="north-1", mrn="N1", given_name="Ada",
              family_name="Byron", birth_date=date(1950, 5, 1), bed_id=BED.id)
WARD = {Vital.SPO2: AlarmLimits(Vital.SPO2, 90, None, 10),
        Vital.HEART_RATE: AlarmLimits(Vital.HEART_RATE, 45, 120, 5)}


def test_a_widening_is_audited_with_old_and_new_values(qapp, tmp_path):
    async def scenario() -> list:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        await stores.patients.set_beds([BED])
        feed = PatientsFeed(stores.patients, stores.network, "north", "north-1", "nurse.test",
                            ward_limits=WARD)
        saved = []
        feed.saved.connect(saved.append)
        try:
            await feed.save(dataclasses.replace(
                NEW, alarm_limits=(AlarmLimits(Vital.SPO2, low=88, delay_s=15),)))
            await feed.save(dataclasses.replace(saved[-1], notes="no limits changed"))
            await feed.save(dataclasses.replace(
                saved[-1], alarm_limits=(AlarmLimits(Vital.SPO2, low=86, delay_s=15),
                                         AlarmLimits(Vital.HEART_RATE, low=50))))
            return [e for e in await stores.patients.audit_log(saved[-1].id)
                    if e.action == WIDENED]
        finally:
            await feed.stop()
            await stores.close()

    later, first = run_on_qt_loop(scenario())
    assert first.user == "nurse.test"
    assert first.detail == ("SpO\u2082 low limit ward \u2192 88 % (ward 90 %); SpO\u2082 alarm "
                            "delay ward \u2192 15 s (ward 10 s), ward north-1, confirmed")
    # a tighter HR limit, and a notes-only save in between, are no widening
    assert later.detail == "SpO\u2082 low limit 88 \u2192 86 % (ward 90 %), ward north-1, confirmed"


def test_limits_beyond_the_stations_tighter_bounds_are_refused(qapp, tmp_path):
    async def scenario() -> tuple[list, list]:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        await stores.patients.set_beds([BED])
        bounds = dict(HARD_BOUNDS) | {"spo2": AlarmBounds(88.0, 100.0, 30.0)}
        feed = PatientsFeed(stores.patients, stores.network, "north", "north-1", "nurse.test",
                            ward_limits=WARD, alarm_bounds=bounds)
        problems = []
        feed.problem.connect(lambda field, message: problems.append((field, message)))
        try:
            await feed.save(dataclasses.replace(
                NEW, alarm_limits=(AlarmLimits(Vital.SPO2, low=86),)))
            return problems, await stores.patients.search("north")
        finally:
            await feed.stop()
            await stores.close()

    problems, stored = run_on_qt_loop(scenario())
    assert problems == [("alarm_limits.spo2", "SpO\u2082 low limit 86 % is below the clinical "
                         "bound of 88 %: lower, the alarm could come too late.")]
    assert stored == []
