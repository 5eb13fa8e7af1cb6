"""The care graph: one drawn item per person and link, names that do not overlap, clicks."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt

from stores.model import CareGraph, CareLink, CareLinkKind, CareNode, CareNodeKind
from widgets.care_graph import CareGraphView
from widgets.care_graph_layout import ring_layout

PATIENT, DOCTOR, NURSE = CareNodeKind.PATIENT, CareNodeKind.DOCTOR, CareNodeKind.NURSE
TREATS, NURSES = CareLinkKind.TREATS, CareLinkKind.ASSIGNED_NURSE
COVERS, ESCALATES = CareLinkKind.COVERS_FOR, CareLinkKind.ESCALATES_TO

TEAM = CareGraph(
    focus_id="p-jane",
    nodes=(
        CareNode("p-jane", "Jane Doe", PATIENT),
        CareNode("d-mensah", "Dr Kwame Mensah", DOCTOR),
        CareNode("n-brennan", "Aoife Brennan", NURSE),
        CareNode("n-nowak", "Tomasz Nowak", NURSE),
        CareNode("d-lindqvist", "Dr Helena Lindqvist", DOCTOR),
        CareNode("p-kofi", "Kofi Boateng", PATIENT),
    ),
    links=(
        CareLink("d-mensah", "p-jane", TREATS),
        CareLink("n-brennan", "p-jane", NURSES),
        CareLink("n-nowak", "n-brennan", COVERS),
        CareLink("n-brennan", "n-nowak", COVERS),
        CareLink("d-mensah", "d-lindqvist", ESCALATES),
        CareLink("d-mensah", "p-kofi", TREATS),
    ),
)


def ward_team(other_patients: int) -> CareGraph:
    """A doctor who treats the whole ward: the crowded case."""
    others = [CareNode(f"p{n}", f"Patient Number {n}", PATIENT) for n in range(other_patients)]
    return CareGraph(
        "p-jane",
        TEAM.nodes[:4] + tuple(others),
        TEAM.links[:4] + tuple(CareLink("d-mensah", node.id, TREATS) for node in others),
    )


@pytest.fixture
def view(qtbot):
    view = CareGraphView()
    qtbot.addWidget(view)
    view.resize(620, 420)
    return view


def test_one_item_per_person_with_their_name(view):
    view.show_graph(TEAM)
    names = sorted(item.label.text() for item in view.node_items())
    assert names == sorted(node.label for node in TEAM.nodes)
    kinds = {item.node.id: item.node.kind for item in view.node_items()}
    assert kinds["n-nowak"] is NURSE and kinds["d-mensah"] is DOCTOR


def test_one_item_per_link_with_its_kind_and_an_arrow(view):
    view.show_graph(TEAM)
    drawn = sorted((i.link.source_id, i.link.target_id, i.label.text()) for i in view.link_items())
    expected = sorted((link.source_id, link.target_id, link.kind.label) for link in TEAM.links)
    assert drawn == expected
    assert all(len(item.childItems()) == 1 for item in view.link_items())  # the arrow head


def test_links_both_ways_between_two_people_are_drawn_apart(view):
    view.show_graph(TEAM)
    covers = [i for i in view.link_items() if i.link.kind is COVERS]
    assert covers[0].path().pointAtPercent(0.5) != covers[1].path().pointAtPercent(0.5)


def test_the_focus_is_in_the_middle_and_larger(view):
    positions = ring_layout(TEAM)
    assert positions["p-jane"] == (0.0, 0.0)
    view.show_graph(TEAM)
    sizes = {item.node.id: item.boundingRect().width() for item in view.node_items()}
    assert sizes["p-jane"] > sizes["p-kofi"]


@pytest.mark.parametrize("graph", [TEAM, ward_team(8), ward_team(20)], ids=["team", "8", "20"])
def test_names_shown_never_overlap(view, graph):
    view.show_graph(graph)
    tags = [item.tag for item in view.node_items() + view.link_items() if item.tag.isVisible()]
    names = [item.tag for item in view.node_items()]
    assert all(tag.isVisible() for tag in names)
    overlapping = [
        (a.childItems()[0].text(), b.childItems()[0].text())
        for a, b in itertools.combinations(tags, 2)
        if a.sceneBoundingRect().intersects(b.sceneBoundingRect())
    ]
    assert overlapping == []


def test_clicking_another_patient_selects_them(qtbot, view):
    view.show()
    qtbot.waitExposed(view)
    view.show_graph(TEAM)
    kofi = next(item for item in view.node_items() if item.node.id == "p-kofi")
    where = view.view.mapFromScene(kofi.scenePos())
    with qtbot.waitSignal(view.patient_selected) as selected:
        qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert selected.args == ["p-kofi"]


def test_clicking_the_focus_or_a_clinician_selects_no_one(qtbot, view):
    view.show()
    qtbot.waitExposed(view)
    view.show_graph(TEAM)
    with qtbot.assertNotEmitted(view.patient_selected):
        for item in view.node_items():
            if item.node.id in ("p-jane", "d-mensah"):
                where = view.view.mapFromScene(item.scenePos())
                qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_the_whole_graph_fits_in_the_view(qtbot, view):
    view.show()
    qtbot.waitExposed(view)
    view.show_graph(ward_team(20))
    shown = view.view.mapToScene(view.view.viewport().rect()).boundingRect()
    assert shown.contains(view.scene.itemsBoundingRect())


def test_messages_replace_the_graph(view):
    view.show_graph(TEAM)
    view.show_message("Select a bed to see the care team")
    assert view.message.isVisibleTo(view)
    assert view.message.text() == "Select a bed to see the care team"
    view.show_graph(CareGraph("p-x"))
    assert view.message.text() == "No care team recorded"
    view.show_graph(TEAM)
    assert not view.message.isVisibleTo(view)
