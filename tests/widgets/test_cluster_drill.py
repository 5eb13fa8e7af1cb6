"""A drill in the cluster view: its live counters, its verdict at the end (green "nothing lost",
or red with what was lost), a drill gone silent shown as stopped by a clock the test holds, a
new run replacing the old panel; and the servers' own events in the timeline, each once."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from app.lab.drills.events import DrillEvent
from stores.model import HealthState, ServerEvent, StoreHealth
from widgets import palette
from widgets.cluster_view.drill import STOPPED_AFTER_S, cell_groups, follow
from widgets.cluster_view.view import ClusterView

T = 1_780_000_000.0
LOST = ("LOST: 3 alarm version(s) the simulator was handed were never shown; 2 write(s) "
        "queued in the outbox never delivered")


def event(dt: float, kind: str, text: str = "", run: str = "run-1", verdict: str = "",
          **figures) -> DrillEvent:
    return DrillEvent(T + dt, "redis-master", run, kind, text, figures, verdict)


RUNNING = [event(0, "start", "kill the master while alarms flow"),
           event(1, "counters", alarms_sent=20, alarms_shown=20),
           event(2, "step", "killed redis-1, the master"),
           event(3, "counters", alarms_sent=60, alarms_shown=41, alarms_duplicated=0,
                 alarms_missing=19, writes_queued=12, detect_s=2.1)]


@pytest.fixture
def clock():
    return [T]


@pytest.fixture
def view(qtbot, clock):
    view = ClusterView(clock=lambda: clock[0])
    qtbot.addWidget(view)
    view.resize(1600, 900)
    return view


def _run(events):
    run = None
    for e in events:
        run = follow(run, e)
    return run


def test_the_panel_shows_the_latest_counters_while_the_drill_runs():
    run = _run(RUNNING)
    assert (run.drill, run.started, run.step) == ("redis-master", T, "killed redis-1, the master")
    assert run.figures["alarms_sent"] == 60 and run.status(T + 4) == "running"
    groups = {g.title: [(c.label, c.value, c.tone) for c in g.cells]
              for g in cell_groups(run.figures, final=False)}
    assert groups == {
        "Alarms": [("sent", "60", "plain"), ("shown", "41", "plain"),
                   ("duplicated", "0", "good"), ("not shown yet", "19", "warn")],
        "Writes": [("queued", "12", "plain")],
        "Seconds": [("detected", "2.1 s", "plain")]}
    # at the end, what was not shown is missing
    ended = {(c.label, c.tone) for g in cell_groups(run.figures, final=True) for c in g.cells}
    assert ("missing", "bad") in ended


def test_whatever_keys_a_drill_gives_are_shown_grouped_by_what_and_by_store():
    figures = {"writes_patients_made": 9, "writes_patients_refused": 1, "writes_vitals_queued": 4,
               "samples_written": 600, "samples_found_again": 600, "odd_thing": 3,
               "bus_said": "master changed", "drill": "mongo-primary"}
    groups = [(g.title, [(c.label, c.value, c.tone) for c in g.cells])
              for g in cell_groups(figures, final=True)]
    assert groups == [
        ("Writes \u00b7 patients", [("made", "9", "plain"), ("refused", "1", "bad")]),
        ("Writes \u00b7 vitals", [("queued", "4", "plain")]),
        ("Samples", [("written", "600", "plain"), ("found again", "600", "plain")]),
        ("Other", [("odd thing", "3", "plain")]),
        ("Notes", [("bus said", "master changed", "plain")])]


def _verdict_colour(view: ClusterView) -> QColor:
    """The colour of the verdict's box, as the view paints it: near a corner, off its text."""
    box = view.verdict_rect()
    return view.grab().toImage().pixelColor(int(box.left()) + 12, int(box.bottom()) - 12)


def _near(colour: QColor, named: str) -> bool:
    want = QColor(named)
    return all(abs(a - b) < 40 for a, b in ((colour.red(), want.red()),
                                            (colour.green(), want.green()),
                                            (colour.blue(), want.blue())))


def test_at_the_end_the_verdict_is_green_when_nothing_was_lost(view, clock):
    view.show_drill_events([*RUNNING, event(9, "end", verdict="nothing lost", alarms_sent=80,
                                            alarms_shown=80, alarms_missing=0)])
    clock[0] = T + 600  # an ended drill never turns "stopped"
    run = view.drill
    assert run.status(clock[0]) == "ended" and run.nothing_lost
    assert run.figures == {"alarms_sent": 80, "alarms_shown": 80, "alarms_missing": 0}
    assert _near(_verdict_colour(view), palette.UP)
    assert (view.timeline.changes[-1].text, view.timeline.changes[-1].bad) == (
        "redis-master ended: nothing lost", False)


def test_at_the_end_a_loss_is_red_and_said_in_full(view):
    view.show_drill_events([*RUNNING, event(9, "end", verdict=LOST, alarms_missing=3,
                                            writes_lost=2)])
    assert not view.drill.nothing_lost and view.drill.verdict == LOST
    assert [c.tone for g in cell_groups(view.drill.figures, final=True) for c in g.cells] == \
        ["bad", "bad"]
    assert _near(_verdict_colour(view), palette.DOWN)
    assert view.timeline.changes[-1].bad


def test_a_drill_silent_for_more_than_ten_seconds_without_an_end_has_stopped(view, clock):
    view.show_drill_events(RUNNING)
    last = T + 3
    clock[0] = last + STOPPED_AFTER_S
    assert view.drill.status(clock[0]) == "running"
    assert not _near(_verdict_colour(view), palette.DEGRADED)
    clock[0] = last + STOPPED_AFTER_S + 0.5
    assert view.drill.status(clock[0]) == "stopped"
    assert _near(_verdict_colour(view), palette.DEGRADED)
    view.show_drill_events([event(14, "counters", alarms_sent=90)])  # it answers again
    assert view.drill.status(clock[0]) == "running"


def test_a_new_run_replaces_the_old_panel_and_the_timeline_keeps_both(view):
    view.show_drill_events([*RUNNING, event(9, "end", verdict=LOST)])
    view.show_drill_events([event(30, "start", "again", run="run-2"),
                            event(31, "counters", run="run-2", alarms_sent=5)])
    run = view.drill
    assert (run.run, run.verdict, run.figures, run.said) == ("run-2", None,
                                                              {"alarms_sent": 5}, "again")
    drill_lines = [c.text for c in view.timeline.changes if c.origin == "drill"]
    assert drill_lines == ["redis-master started: kill the master while alarms flow",
                           "killed redis-1, the master", f"redis-master ended: {LOST}",
                           "redis-master started: again"]
    view.grab()


def test_the_panel_takes_the_right_and_leaves_the_stores_their_columns(view):
    view.show_health([StoreHealth("alerts", "redis", HealthState.UP)])
    assert view.drill_rect() is None
    whole = view.column_rects()[0]
    view.show_drill_events(RUNNING)
    panel, column = view.drill_rect(), view.column_rects()[0]
    assert view.rect().toRectF().contains(panel)
    assert column.right() < panel.left() and column.width() < whole.width()
    assert view.timeline_rect().right() < panel.left()


def _health(*events: ServerEvent, state: HealthState = HealthState.UP) -> StoreHealth:
    return StoreHealth("alerts", "redis", state, events=events)


SDOWN = ServerEvent(T + 4, "127.0.0.1:26379", "+sdown master ward-alerts 127.0.0.1 6379", True)
SWITCH = ServerEvent(T + 6, "127.0.0.1:26379",
                     "+switch-master ward-alerts 127.0.0.1 6379 127.0.0.1 6380")


def test_the_servers_events_are_in_the_timeline_once_each_in_time_order(view, clock):
    clock[0] = T + 5
    view.show_health([_health(SDOWN)])
    clock[0] = T + 7
    view.show_health([_health(SDOWN, SWITCH)])
    # a check that failed gives no events; the next gives the same again
    view.show_health([StoreHealth("alerts", "?", HealthState.DOWN, reason="no answer")])
    view.show_health([_health(SDOWN, SWITCH)])
    view.show_drill_events([event(5, "step", "killed redis-1")])
    said = [(c.at, c.origin, c.text, c.bad) for c in view.timeline.changes]
    assert said == [
        (T + 4, "server", "127.0.0.1:26379: +sdown master ward-alerts 127.0.0.1 6379", True),
        (T + 5, "drill", "killed redis-1", False),
        (T + 6, "server", "127.0.0.1:26379: +switch-master ward-alerts 127.0.0.1 6379 "
                          "127.0.0.1 6380", False),
        (T + 7, "station", "alerts: down (no answer)", True),
        (T + 7, "station", "alerts: up", False)]
    view.grab()
