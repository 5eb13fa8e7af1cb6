"""The trainer's switches in the cluster view: each under the consistency line it changes, the
level the store uses checked; a click only asks (the station applies it, or not); why the
store's reads fail said in full beneath, and the nodes still fit."""

from __future__ import annotations

import pytest

from stores.model import HealthState, NodeStatus, StoreHealth, TeachingSetting
from widgets.cluster_view.picture import header_rows
from widgets.cluster_view.view import ClusterView

CASSANDRA = StoreHealth(
    "analytics", "cassandra", HealthState.DEGRADED, 2.0, "1 of 3 Cassandra nodes down",
    tuple(NodeStatus(f"127.0.0.{i}:9042", "dc1 up", i != 2, "UN") for i in (1, 2, 3)),
    consistency=("writes: LOCAL_QUORUM", "reads: LOCAL_ONE", "any node coordinates"))
READS = TeachingSetting("analytics", "read_consistency", "reads",
                        ("LOCAL_ONE", "ONE", "LOCAL_QUORUM", "ALL"), "LOCAL_ONE", "how many")
OTHERS = [StoreHealth(name, "embedded", HealthState.UP, 0.3, "",
                      (NodeStatus("/tmp/x.sqlite3", "sqlite wal", current=True),),
                      consistency=("embedded, not replicated",))
          for name in ("alerts", "patients", "vitals", "network")]
ELSEWHERE = TeachingSetting("analytics", "other", "not a line", ("a", "b"), "a")
WHY = ("Cassandra replicas did not confirm the read in time at ALL (2 of 3 answered), "
       "which the class should read to its end")


@pytest.fixture
def view(qtbot):
    view = ClusterView()
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show_health([CASSANDRA])
    view.show_switches([READS])
    return view


def test_a_switch_sits_under_the_line_it_changes_with_the_level_in_use_checked(view):
    group = view.groups[0]
    assert header_rows(group, [ELSEWHERE, READS]) == [
        ("said", "writes: LOCAL_QUORUM"), ("said", "reads: LOCAL_ONE"), ("switch", READS),
        ("said", "any node coordinates"), ("switch", ELSEWHERE)]
    [column] = view.column_rects()
    boxes = view.header_boxes(column, group)
    reads_line, switch_box = boxes[1][1], boxes[2][1]
    switch = view.switches.shown[("analytics", "read_consistency")]
    assert not switch.isHidden()
    assert reads_line.bottom() <= switch.geometry().top() < switch_box.bottom()
    assert column.contains(switch.geometry().toRectF())
    assert [b.text() for b in switch.buttons.values() if b.isChecked()] == ["LOCAL_ONE"]
    assert view.node_rects(column, group)[0].top() > switch.geometry().bottom()


def test_a_click_asks_and_the_switch_follows_the_store_not_the_click(view, qtbot):
    switch = view.switches.shown[("analytics", "read_consistency")]
    with qtbot.waitSignal(view.setting_requested) as asked:
        switch.buttons["ALL"].click()
    assert asked.args == ["analytics", "read_consistency", "ALL"]
    assert switch.buttons["LOCAL_ONE"].isChecked()  # not switched until the store says so

    view.show_switches([TeachingSetting(**{**READS.__dict__, "value": "ALL"})])
    assert view.switches.shown[("analytics", "read_consistency")] is switch
    assert switch.buttons["ALL"].isChecked() and not switch.buttons["LOCAL_ONE"].isChecked()


def test_no_switch_offered_no_switch_shown_and_no_reason_under_a_store_without_one(view, qtbot):
    switch = view.switches.shown[("analytics", "read_consistency")]
    view.show_switches([])
    qtbot.waitUntil(lambda: not view.findChildren(type(switch)))  # deleted, not just hidden
    view.show_reads_failing("analytics", WHY)
    notes = {"reads fail": WHY}
    assert [kind for kind, _ in header_rows(view.groups[0], [], notes)] == ["said"] * 3
    [column] = view.column_rects()
    assert len(view.header_boxes(column, view.groups[0])) == 3


@pytest.mark.parametrize("size", [(1366, 700), (1920, 1000)])
def test_why_reads_fail_is_said_in_full_and_every_node_still_fits(view, size):
    view.resize(*size)
    view.show_health([*OTHERS, CASSANDRA])  # five columns: the reason needs lines
    view.show_reads_failing("analytics", WHY)
    column, group = view.column_rects()[-1], view.groups[-1]
    assert group.store == "analytics"
    (kind, said), box = view.header_boxes(column, group)[-1]
    assert (kind, said) == ("note", f"reads fail: {WHY}")
    assert box.height() >= 2 * view.fontMetrics().height()  # wrapped, not cut to one line
    boxes = view.node_rects(column, group)
    assert boxes[0].top() > box.bottom() and all(column.contains(b) for b in boxes)
    view.grab()  # paints without error

    view.show_reads_failing("analytics", "")
    assert [kind for (kind, _), _ in view.header_boxes(column, group)][-1] == "said"


def test_a_refused_switch_says_why_under_the_switches_until_one_is_switched(view):
    [column] = view.column_rects()

    def notes() -> list[str]:
        return [said for (kind, said), _ in view.header_boxes(column, view.groups[0])
                if kind == "note"]

    view.show_switch_refused("analytics", "this station runs on no lab")
    view.show_reads_failing("analytics", "too few replicas")
    assert notes() == ["not switched: this station runs on no lab",
                       "reads fail: too few replicas"]
    view.grab()
    view.show_switch_refused("analytics", "")
    assert notes() == ["reads fail: too few replicas"]


@pytest.mark.parametrize("width", [1366, 1000, 700])
def test_every_choice_is_read_in_full_however_narrow_the_column(view, qtbot, width):
    """Beside a drill's panel the columns narrow: the choices go on more rows rather than
    being cut ("OCAL_ON" for LOCAL_ONE), and the nodes make room for them."""
    view.show_health([CASSANDRA, *OTHERS])
    view.resize(width, 700)
    view.show()
    qtbot.waitExposed(view)
    switch = view.switches.shown[("analytics", "read_consistency")]
    buttons = list(switch.buttons.values())

    for button in buttons:
        assert button.sizeHint().width() <= button.width(), button.text()
        assert button.height() >= button.fontMetrics().height(), button.text()
        assert switch.rect().contains(button.geometry()), button.text()
    for one, other in zip(buttons, buttons[1:]):
        assert not one.geometry().intersects(other.geometry())
    column = view.column_rects()[[g.store for g in view.groups].index("analytics")]
    group = view.groups[[g.store for g in view.groups].index("analytics")]
    assert column.contains(switch.geometry().toRectF())
    assert view.node_rects(column, group)[0].top() > switch.geometry().bottom()
