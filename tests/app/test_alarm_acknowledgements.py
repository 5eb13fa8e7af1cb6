"""The alarm feed's acknowledgements and the station's own technical alarms, on real embedded
stores: audit log, per-shift counts, unknown beds, unreadable messages."""

from __future__ import annotations

import time
from datetime import date

from app.feeds.alarms import AlarmsFeed
from stores import StoreConfig, open_stores
from stores.model import Alarm, AlarmKind, Bed, Patient, Priority, VitalSample, Ward, hour_start
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually

BEDS = [Bed(f"north-1-0{n}", "north", "north-1", f"Bed {n}", n) for n in (1, 2)]
ADA = Patient("p-ada", "north", "north-1", "N1", "Ada", "Okafor", date(1950, 3, 1),
              bed_id="north-1-01", admitted_at=time.time())


def alarm(alarm_id: str, bed: str = "north-1-01", **changes) -> Alarm:
    fields = dict(id=alarm_id, region="north", ward="north-1", bed_id=bed, patient_id="p-ada",
                  patient_name="Ada Okafor", priority=Priority.HIGH, condition="SpO2 low",
                  raised_at=time.time() - 30, value=84.0)
    return Alarm(**(fields | changes))


def run_feed(tmp_path, scenario) -> None:
    async def main() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        feed = AlarmsFeed(stores.alerts, "north", "north-1", "nurse.kim", stale_after_s=3600,
                          audit=stores.patients, analytics=stores.analytics)
        shown: list[list[Alarm]] = []
        feed.alarms_changed.connect(shown.append)
        feed.set_ward(Ward(tuple(BEDS), {"north-1-01": ADA}))
        feed.start()
        try:
            await eventually(lambda: shown, 5, "the first list of alarms")
            await scenario(stores, feed, shown)
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(main())


def test_an_acknowledgement_is_audited_and_counted_for_the_shift(qapp, tmp_path):
    async def scenario(stores, feed, shown) -> None:
        await stores.alerts.publish(alarm("a1"))
        await eventually(lambda: any(a.id == "a1" for a in shown[-1]), 2, "the alarm")
        await feed.acknowledge("a1")
        [entry] = await stores.patients.audit_log("p-ada")
        assert (entry.user, entry.action) == ("nurse.kim", "alarm acknowledged")
        assert entry.detail.startswith("*** HIGH SpO2 low 84 on north-1-01, raised ")
        assert "acknowledged after 30 s" in entry.detail
        now = time.time()
        [hour] = await stores.analytics.hours("north", hour_start(now) - 3600, now + 3600)
        assert (hour.ward, hour.acknowledged) == ("north-1", 1)
        assert 29 <= hour.acknowledge_s_sum <= 40
        listed = next(a for a in shown[-1] if a.id == "a1")
        assert listed.acknowledged_by == "nurse.kim" and listed.is_open  # still true: listed

    run_feed(tmp_path, scenario)


def test_an_acknowledgement_made_elsewhere_is_not_recorded_twice(qapp, tmp_path):
    async def scenario(stores, feed, shown) -> None:
        await stores.alerts.publish(alarm("a1"))
        await stores.alerts.acknowledge("a1", "nurse.lee", time.time())  # another station
        await eventually(lambda: any(a.acknowledged for a in shown[-1]), 2, "their ack")
        await feed.acknowledge("a1")
        assert await stores.patients.audit_log("p-ada") == []

    run_feed(tmp_path, scenario)


def test_an_alarm_for_a_bed_the_ward_lacks_becomes_a_technical_alarm(qapp, tmp_path):
    async def scenario(stores, feed, shown) -> None:
        await stores.alerts.publish(alarm("ghost", bed="north-1-99"))
        await stores.alerts.publish(alarm("a1"))
        await eventually(lambda: any(a.id == "a1" for a in shown[-1]), 2, "the real alarm")
        ids = {a.id for a in shown[-1]}
        assert "ghost" not in ids
        [technical] = [a for a in shown[-1] if a.kind is AlarmKind.TECHNICAL]
        assert technical.condition == (
            "1 alarm message(s) could not be shown: unknown bed 'north-1-99'")
        await feed.acknowledge(technical.id)
        assert all(a.kind is not AlarmKind.TECHNICAL for a in shown[-1])
        [entry] = await stores.patients.audit_log()
        assert entry.detail.startswith("** MEDIUM 1 alarm message(s) could not be shown")

    run_feed(tmp_path, scenario)


def test_a_silent_bed_raises_a_technical_alarm(qapp, tmp_path):
    async def main() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        feed = AlarmsFeed(stores.alerts, "north", "north-1", "nurse.kim", stale_after_s=1.0)
        shown: list[list[Alarm]] = []
        feed.alarms_changed.connect(shown.append)
        admitted = Patient("p-ben", "north", "north-1", "N2", "Ben", "Walsh", date(1960, 1, 1),
                           bed_id="north-1-02", admitted_at=time.time())
        feed.set_ward(Ward(tuple(BEDS), {"north-1-01": ADA, "north-1-02": admitted}))
        feed.start()
        try:

            def bed_two_said_silent() -> bool:
                feed.show_latest({"north-1-01": _sample("north-1-01")})  # bed 1 keeps talking
                return bool(shown) and any(a.bed_id == "north-1-02" for a in shown[-1])

            await eventually(bed_two_said_silent, 5, "the silent bed's technical alarm")
            [silent] = [a for a in shown[-1] if a.kind is AlarmKind.TECHNICAL]
            assert (silent.bed_id, silent.patient_name) == ("north-1-02", "Ben Walsh")
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(main())



def _sample(bed: str) -> VitalSample:
    return VitalSample(bed, time.time(), heart_rate=80)
