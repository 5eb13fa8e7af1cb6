"""The station's own events for the Cluster tab's timeline: its alarm channel lost and back, its
outbox filling and drained, each change said once; and the window's timeline gets them from its
feeds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.alarms.open_alarms import CHANNEL_LOST_ID
from app.config import Config
from app.station_events import StationEvents
from stores.model import Alarm, AlarmKind, Priority
from tests.app.qasync_helpers import run_on_qt_loop
from tests.app.station_window import station_window


def lost_channel_alarms() -> list[Alarm]:
    """As the alarms feed lists it (app/alarms/open_alarms.py)."""
    return [Alarm(id=CHANNEL_LOST_ID, region="north", ward="north-1", bed_id="", patient_id=None,
                  patient_name="", priority=Priority.HIGH, kind=AlarmKind.TECHNICAL,
                  condition="Alarm channel lost: no answer from 127.0.0.1:6379",
                  raised_at=100.0)]


def test_the_channel_lost_then_back_is_said_once_each():
    events = StationEvents()
    lost = lost_channel_alarms()
    assert events.alarms([]) == []
    said = events.alarms(lost)
    assert said == [("this station: Alarm channel lost: no answer from 127.0.0.1:6379", True)]
    assert events.alarms(lost) == []  # the banner is sent the same alarms again
    assert events.alarms([]) == [("this station: the alarm channel is back; the current "
                                  "alarms read again", False)]
    assert events.alarms([]) == []


def test_the_outbox_filling_and_drained():
    events = StationEvents()
    assert events.outbox(0, 0) == []
    assert events.outbox(3, 0) == [("this station: 3 write(s) waiting in the outbox", True)]
    assert events.outbox(7, 0) == []  # still waiting: not a change to say
    assert events.outbox(0, 1) == [("this station: outbox drained, every waiting write "
                                    "delivered (1 refused, in Pending writes)", False)]


@given(st.lists(st.integers(0, 5), max_size=40))
def test_any_counts_alternate_waiting_and_drained(counts):
    events = StationEvents()
    said = [bad for waiting in counts for _, bad in events.outbox(waiting, 0)]
    assert said == [n % 2 == 0 for n in range(len(said))]  # waiting, drained, waiting, ...
    assert len(said) == sum(1 for a, b in zip([0, *counts], counts) if bool(a) != bool(b))


def test_the_windows_timeline_says_what_its_feeds_went_through(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False)

    async def scenario() -> list[tuple[str, bool]]:
        async with station_window(config) as window:
            window.alarms_feed.alarms_changed.emit(lost_channel_alarms())
            window.pending_feed.counts_changed.emit(2, 0)
            window.pending_feed.counts_changed.emit(0, 0)
            window.alarms_feed.alarms_changed.emit([])
            return [(c.text, c.bad) for c in window.cluster_view.timeline.changes
                    if c.store == "station"]

    said = run_on_qt_loop(scenario())
    assert [bad for _, bad in said] == [True, True, False, False]
    assert "Alarm channel lost" in said[0][0] and "outbox drained" in said[2][0]
