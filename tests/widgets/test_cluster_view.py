"""The cluster view: what it shows of each store's nodes (as the servers report them and, on a
lab, as its processes are), and that nothing of it is cut at the window's sizes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stores.model import HealthState, NodeStatus, StoreHealth
from widgets.cluster_view.picture import picture
from widgets.cluster_view.view import ClusterView

REDIS = StoreHealth(
    "alerts", "redis", HealthState.DEGRADED, 1.5, "master 127.0.0.1:7001 is down",
    (NodeStatus("127.0.0.1:7001", "master", False),
     NodeStatus("127.0.0.1:7002", "replica", True, "offset 900", current=True),
     NodeStatus("127.0.0.1:7003", "replica", True, "offset 880"),
     NodeStatus("127.0.0.1:7101", "sentinel", True, "master at 127.0.0.1:7002, quorum 2")),
    consistency=("writes: the master",))
EMBEDDED = StoreHealth("vitals", "embedded", HealthState.UP, 0.3, "",
                       (NodeStatus("/tmp/x.sqlite3", "sqlite wal", current=True),),
                       consistency=("embedded, not replicated: one file on this computer",))


def test_the_groups_come_alarm_bus_first_with_each_nodes_state():
    groups = picture([EMBEDDED, REDIS])
    assert [g.store for g in groups] == ["alerts", "vitals"]
    alerts = groups[0]
    assert [(n.role, n.state, n.current) for n in alerts.nodes] == [
        ("master", "down", False), ("replica", "up", True), ("replica", "up", False),
        ("sentinel", "up", False)]
    assert alerts.nodes[3].detail == "master at 127.0.0.1:7002, quorum 2"


def test_on_a_lab_its_processes_say_frozen_starting_and_down():
    lab = {"127.0.0.1:7001": ("redis-1", "running"), "127.0.0.1:7002": ("redis-2", "frozen"),
           "127.0.0.1:7003": ("redis-3", "down")}
    nodes = picture([REDIS], lab)[0].nodes
    # redis-1 runs but does not answer (restored a moment ago); redis-2 answered at the last
    # health check but its process is stopped now: frozen, and nobody writes to it
    assert [(n.lab_name, n.state, n.current) for n in nodes[:3]] == [
        ("redis-1", "starting", False), ("redis-2", "frozen", False), ("redis-3", "down", False)]
    assert nodes[3].lab_name == "" and nodes[3].state == "up"


def test_a_node_behind_a_cut_link_is_shown_cut_although_its_store_answered_a_moment_ago():
    influx = StoreHealth("vitals", "influxdb", HealthState.UP, 1.0, "",
                         (NodeStatus("127.0.0.1:7301", "influxdb 1.6", True, current=True),))
    node = picture([influx], {"127.0.0.1:7301": ("influxdb", "cut")})[0].nodes[0]
    assert (node.lab_name, node.state, node.current) == ("influxdb", "link cut", False)


@pytest.mark.parametrize("size", [(1366, 700), (1920, 1000), (3840, 2100)])
def test_every_node_fits_its_column_and_every_column_the_view(qtbot, size):
    view = ClusterView()
    qtbot.addWidget(view)
    view.resize(*size)
    many = StoreHealth("analytics", "cassandra", HealthState.UP, 2.0, "", tuple(
        NodeStatus(f"127.0.0.{i}:9042", "dc1 up", detail="UN") for i in range(1, 13)))
    view.show_health([REDIS, EMBEDDED, many])
    frame = view.rect().toRectF()
    columns = view.column_rects()
    assert len(columns) == 3
    for column, group in zip(columns, view.groups):
        assert frame.contains(column)
        boxes = view.node_rects(column, group)
        assert len(boxes) == len(group.nodes)
        assert all(column.contains(box) and box.height() >= 2.0 * view.unit() for box in boxes)
        assert all(a.bottom() <= b.top() for a, b in zip(boxes, boxes[1:])), "no overlap"
    view.grab()  # paints without error


@given(st.lists(st.builds(NodeStatus, st.text(max_size=80), st.text(max_size=40), st.booleans(),
                          st.text(max_size=200), st.booleans()), max_size=20),
       st.sampled_from(list(HealthState)), st.text(max_size=300))
def test_whatever_a_store_reports_the_view_paints_it(qapp, nodes, state, reason):
    view = ClusterView()
    view.resize(900, 500)
    view.show_health([StoreHealth("patients", "mongodb", state, None, reason, tuple(nodes),
                                  consistency=("writes: majority",))])
    view.grab()
    assert len(view.groups[0].nodes) == len(nodes)


def _redis(master_up: bool, master: str, state: HealthState) -> StoreHealth:
    """The alarm bus as a Sentinel reports it: `master` is the address the master role is at."""
    nodes = [NodeStatus("127.0.0.1:7001", "master" if master == "127.0.0.1:7001" else "replica",
                        master_up, current=master == "127.0.0.1:7001" and master_up),
             NodeStatus("127.0.0.1:7002", "master" if master == "127.0.0.1:7002" else "replica",
                        True, current=master == "127.0.0.1:7002")]
    return StoreHealth("alerts", "redis", state, 1.0, "", tuple(nodes))


def test_the_timeline_tells_the_failover_and_times_the_incident():
    view = ClusterView(clock=iter([100.0, 102.5, 105.0, 111.0, 112.0]).__next__)
    view.show_health([_redis(True, "127.0.0.1:7001", HealthState.UP), EMBEDDED])
    assert not view.timeline.changes and view.timeline.incident is None
    view.show_health([_redis(False, "127.0.0.1:7001", HealthState.DEGRADED), EMBEDDED])
    view.show_health([_redis(False, "127.0.0.1:7002", HealthState.DEGRADED), EMBEDDED])
    view.show_health([_redis(True, "127.0.0.1:7002", HealthState.UP), EMBEDDED])
    said = [(c.at, c.text, c.bad) for c in view.timeline.changes]
    assert said == [
        (102.5, "alerts: degraded", True),
        (102.5, "master 127.0.0.1:7001 down", True),
        (105.0, "127.0.0.1:7002: replica \u2192 master", False),
        (105.0, "writes now go to 127.0.0.1:7002", False),
        (111.0, "alerts: up", False),
        (111.0, "replica 127.0.0.1:7001 up", False)]
    incident = view.timeline.incident
    assert (incident.started, incident.moved, incident.whole) == (102.5, 105.0, 111.0)
    assert incident.said().endswith("writes moved after 2.5 s, every store whole again after "
                                    "8.5 s")
    view.show_health([_redis(True, "127.0.0.1:7002", HealthState.UP), EMBEDDED])
    assert len(view.timeline.changes) == 6  # nothing new while nothing changes


def test_a_node_away_a_while_and_back_is_not_a_move_of_the_writes():
    """Writes are said to move only to another node than they last went to."""
    view = ClusterView(clock=iter([100.0, 102.0, 104.0]).__next__)
    view.show_health([_redis(True, "127.0.0.1:7001", HealthState.UP), EMBEDDED])
    view.show_health([_redis(False, "127.0.0.1:7001", HealthState.DEGRADED), EMBEDDED])
    view.show_health([_redis(True, "127.0.0.1:7001", HealthState.UP), EMBEDDED])

    said = [c.text for c in view.timeline.changes]
    assert not [text for text in said if text.startswith("writes now go to")], said
    assert view.timeline.incident.moved is None
