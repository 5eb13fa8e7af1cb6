"""The escalation feed on a real embedded care network: who an unacknowledged alarm went to."""

from __future__ import annotations

import time

from app.feeds.escalation import EscalationFeed
from stores import StoreConfig, open_stores
from stores.model import Alarm, CareLink, CareLinkKind, Clinician, ClinicianRole, Priority
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


def test_an_unacknowledged_high_alarm_is_shown_escalated_along_the_care_team(qapp, tmp_path):
    now = [time.time()]
    looks: list[float] = []

    def clock() -> float:
        """The test's time; each round of the feed looks at it once, at its start."""
        looks.append(now[0])
        return now[0]

    async def scenario() -> None:
        stores = await open_stores(StoreConfig(data_dir=tmp_path))
        network = stores.network
        await network.put_patient("p1", "Ada Okafor")
        await network.put_clinician(Clinician("n1", "Ann Lee", ClinicianRole.NURSE, "north"))
        await network.put_clinician(Clinician("d1", "Dr Kwame Mensah", ClinicianRole.DOCTOR, "north"))
        await network.link(CareLink("n1", "p1", CareLinkKind.ASSIGNED_NURSE))
        await network.link(CareLink("n1", "d1", CareLinkKind.ESCALATES_TO))
        feed = EscalationFeed(network, after_s=60, clock=clock)
        said: list[dict] = []
        feed.escalations_changed.connect(said.append)
        alarm = Alarm("a1", "north", "north-1", "north-1-01", "p1", "Ada Okafor", Priority.HIGH,
                      "SpO2 low", raised_at=now[0] - 30)
        feed.show_alarms([alarm])
        feed.start()
        try:
            await eventually(lambda: len(looks) >= 2, 5, "a whole round of the feed")
            assert said == []  # 30 s: not yet
            now[0] += 31
            await eventually(lambda: said, 3, "the first escalation")
            assert said[-1] == {"a1": "escalated to Nurse Ann Lee \u00b7 unacknowledged 60 s"}
            now[0] += 60
            await eventually(lambda: "Dr Kwame Mensah" in said[-1].get("a1", ""), 3, "the second")
            feed.show_alarms([alarm.acknowledge("nurse.kim", now[0])])
            await eventually(lambda: said[-1] == {}, 3, "no escalation once acknowledged")
        finally:
            await feed.stop()
            await stores.close()

    run_on_qt_loop(scenario())
