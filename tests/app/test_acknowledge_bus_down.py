"""An acknowledgement made while the alarm bus is down is refused, never queued, and the banner
shows on the alarm's own row that it did not go out (decision: docs/operations.md)."""

from __future__ import annotations

import time

from app.feeds.alarms import AlarmsFeed
from stores.alerts.embedded import EmbeddedAlertBus
from stores.embedded_db import EmbeddedDb
from stores.model import Alarm, Priority
from stores.outbox import Outbox
from stores.outbox.wrappers import OutboxedAlerts
from tests.app.qasync_helpers import run_on_qt_loop
from tests.outbox_support import Away
from tests.waiting import eventually
from widgets.alarm_banner.banner import AlarmBanner

SPO2 = Alarm(id="a1", region="north", ward="north-1", bed_id="", patient_id="p-ada",
             patient_name="Ada Okafor", priority=Priority.HIGH, condition="SpO2 low",
             raised_at=time.time() - 30, value=84.0)


def test_an_acknowledgement_while_the_bus_is_down_is_refused_and_shown_not_sent(
        qapp, qtbot, tmp_path):
    banner = AlarmBanner(clock=lambda: time.time() + 10)  # past the acknowledge guard
    qtbot.addWidget(banner)

    async def scenario() -> None:
        db = await EmbeddedDb.open(tmp_path / "station.sqlite3")
        server = Away(EmbeddedAlertBus(db), "alerts")
        bus = OutboxedAlerts(server, "alerts", Outbox(db))
        feed = AlarmsFeed(bus, "north", "north-1", "nurse.kim")
        feed.alarms_changed.connect(banner.show_alarms)
        feed.acknowledge_refused.connect(banner.show_acknowledge_failed)
        refused, messages = [], []
        feed.acknowledge_refused.connect(lambda *args: refused.append(args))
        feed.acknowledge_failed.connect(messages.append)
        feed.start()
        try:
            await bus.publish(SPO2)
            await eventually(lambda: banner.shown_alarm() is not None, 5, "the alarm shown")

            server.away = True
            await feed.acknowledge("a1")
            assert refused == [("a1", "Not acknowledged: alarm bus unavailable (cannot reach "
                                      "the server: connection refused)")]
            assert messages and messages[0].startswith("Not acknowledged")
            assert await bus.courier.counts() == (0, 0)  # refused, not queued
            shown = next(a for a in feed.alarms if a.id == "a1")
            assert shown.needs_attention  # still sounding here, as at every other station
            assert banner.state.text().startswith("NOT ACKNOWLEDGED: alarm bus unavailable")
            assert not banner.acknowledge.isHidden()  # to try again

            server.away = False
            await feed.acknowledge("a1")
            await eventually(lambda: "NOT ACKNOWLEDGED" not in banner.state.text(), 5,
                             "the banner cleared")
            assert banner.state.text().startswith("ACK nurse.kim")
        finally:
            await feed.stop()
            await bus.close()
            await db.close()

    run_on_qt_loop(scenario())
