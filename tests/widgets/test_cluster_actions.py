"""The Cluster tab's lab actions (widgets/cluster_view/actions.py): a button on each node the
station's lab started and on each of its links, none elsewhere; a question before a kill, stop,
freeze or cut, none before a restore; and the outcome shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from stores.model import HealthState, NodeStatus, StoreHealth
from widgets.cluster_view.actions import ClusterActions
from widgets.cluster_view.view import ClusterView

REDIS = StoreHealth(
    "alerts", "redis", HealthState.DEGRADED, 1.5, "",
    (NodeStatus("127.0.0.1:7001", "master", True, current=True),
     NodeStatus("127.0.0.1:7002", "replica", False, "offset 900")),
    consistency=("writes: the master",))
INFLUX = StoreHealth("vitals", "influxdb", HealthState.UP, 1.0, "",
                     (NodeStatus("127.0.0.1:7301", "influxdb 1.6", True, current=True),))
LAB = {"127.0.0.1:7001": ("redis-1", "running"), "127.0.0.1:7002": ("redis-2", "down"),
       "127.0.0.1:7301": ("influxdb", "running")}
LINKS = {"vitals": ("link-vitals", "relaying")}


@pytest.fixture
def view(qtbot):
    view = ClusterView(clock=lambda: 1_800_000_000.0)
    qtbot.addWidget(view)
    view.resize(1600, 900)
    return view


@pytest.fixture
def actions(view):
    return ClusterActions(view, clock=lambda: 1_800_000_000.0)


def on_lab(view: ClusterView, actions: ClusterActions, links=LINKS) -> None:
    view.show_health([REDIS, INFLUX], LAB)
    actions.show_links(links)


def shown(actions: ClusterActions) -> dict[str, str]:
    return {key: b.text() for key, b in actions.buttons.items() if not b.isHidden()}


def menu_of(actions: ClusterActions, name: str) -> dict[str, bool]:
    menu = actions.buttons[name].menu()
    menu.aboutToShow.emit()  # as when it opens
    return {entry.text().split(" \u2014")[0]: entry.isEnabled() for entry in menu.actions()}


def choose(actions: ClusterActions, name: str, label: str) -> None:
    menu = actions.buttons[name].menu()
    menu.aboutToShow.emit()
    next(e for e in menu.actions() if e.text().startswith(label)).trigger()


def answer(qtbot, actions: ClusterActions, text: str) -> None:
    box = actions.question
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == text), Qt.MouseButton.LeftButton)


def test_a_cluster_no_lab_of_this_station_started_has_no_button(view, actions):
    view.show_health([REDIS, INFLUX])  # the servers alone: no lab's names
    actions.show_links({})
    assert shown(actions) == {}
    assert view.lab_button_width > 0  # room is kept only beside a lab node's address


def test_each_lab_node_and_link_has_its_button_inside_its_place(view, actions):
    on_lab(view, actions)
    assert shown(actions) == {"redis-1": "Actions", "redis-2": "Actions",
                              "influxdb": "Actions", "link-vitals": "Cut link"}
    columns = view.column_rects()
    for column, group in zip(columns, view.groups):
        for box, node in zip(view.node_rects(column, group), group.nodes):
            assert box.contains(actions.buttons[node.lab_name].geometry().toRectF())
    assert columns[1].contains(actions.buttons["link-vitals"].geometry().toRectF())
    view.show_health([INFLUX], {})  # the lab's nodes gone from the picture: their buttons too
    actions.show_links({})
    assert shown(actions) == {}


def test_a_nodes_menu_offers_what_its_state_allows(view, actions):
    on_lab(view, actions)
    assert menu_of(actions, "redis-1") == {"Kill": True, "Stop": True, "Freeze": True,
                                           "Restore": False}
    assert menu_of(actions, "redis-2") == {"Kill": False, "Stop": False, "Freeze": False,
                                           "Restore": True}


def test_a_kill_is_asked_first_and_cancelling_it_asks_for_nothing(qtbot, view, actions):
    on_lab(view, actions)
    with qtbot.assertNotEmitted(actions.requested):
        choose(actions, "redis-1", "Kill")
        assert actions.question is not None and actions.question.isVisible()
        assert "Kill redis-1, master of the alarm bus?" in actions.question.text()
        answer(qtbot, actions, "Cancel")
    assert actions.question is None
    choose(actions, "redis-1", "Kill")
    with qtbot.waitSignal(actions.requested) as asked:
        answer(qtbot, actions, "Kill redis-1")
    assert asked.args == ["redis-1", "kill"]


def test_a_restore_is_asked_for_at_once(qtbot, view, actions):
    on_lab(view, actions)
    with qtbot.waitSignal(actions.requested) as asked:
        choose(actions, "redis-2", "Restore")
    assert asked.args == ["redis-2", "restore"] and actions.question is None


def test_a_link_is_cut_after_a_question_and_restored_at_once(qtbot, view, actions):
    on_lab(view, actions)
    qtbot.mouseClick(actions.buttons["link-vitals"], Qt.MouseButton.LeftButton)
    assert "Cut this station's link to the vital signs?" == actions.question.windowTitle()
    with qtbot.waitSignal(actions.requested) as asked:
        answer(qtbot, actions, "Cut the link")
    assert asked.args == ["link-vitals", "cut"]
    on_lab(view, actions, {"vitals": ("link-vitals", "cut")})
    assert shown(actions)["link-vitals"] == "Restore link"
    with qtbot.waitSignal(actions.requested) as asked:
        qtbot.mouseClick(actions.buttons["link-vitals"], Qt.MouseButton.LeftButton)
    assert asked.args == ["link-vitals", "restore"]


def test_the_outcome_is_said_with_its_time(view, actions):
    on_lab(view, actions)
    actions.show_done("redis-1", "kill", "redis-1 killed (SIGKILL, pid 42)")
    assert actions.status.text().endswith("  redis-1 killed (SIGKILL, pid 42)")
    assert not actions.status.isHidden()
    actions.show_failed("mongo-1", "kill", "refused: mongo-1 is not a node of this station's lab")
    assert actions.status.text().endswith(
        "mongo-1: kill refused: mongo-1 is not a node of this station's lab")
    assert not actions.status.geometry().intersects(view.station_rect().toAlignedRect())
