"""The care graph: one drawn item per person and link, names that do not overlap, clicks."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from stores.model import CareGraph, CareLink, CareLinkKind, CareNode, CareNodeKind
from widgets.care_graph.layout import ring_layout
from widgets.care_graph.view import MIN_ZOOM, CareGraphView

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


GIVEN = "Amara Bogdan Chen Dmitri Elena Farah Goran Hana Ivo Jun Kaia Luca Mei Nils Olu Pia".split()
FAMILY = "Okafor Lindqvist Papadopoulos Nakamura Fernandez Kowalczyk Mensah Brennan".split()


def large_team(members: int) -> CareGraph:
    """A patient with `members` clinicians, each caring for two other patients of the ward
    (some shared), covering for one another and escalating to the first doctor."""
    def name(n: int) -> str:
        return f"{GIVEN[n % len(GIVEN)]} {FAMILY[(n * 3 + n // len(GIVEN)) % len(FAMILY)]}"

    others = [CareNode(f"p{n}", name(n + 5), PATIENT) for n in range(members)]
    nodes, links = [CareNode("p-jane", "Jane Doe", PATIENT), *others], []
    for m in range(members):
        doctor = m % 3 == 0
        clinician = CareNode(f"c{m}", f"Dr {name(m)}" if doctor else name(m),
                             DOCTOR if doctor else NURSE)
        nodes.append(clinician)
        duty = TREATS if doctor else NURSES
        links += [CareLink(clinician.id, "p-jane", duty),
                  CareLink(clinician.id, others[m * 3 % members].id, duty),
                  CareLink(clinician.id, others[(m * 7 + 1) % members].id, duty)]
        if m % 4 == 1:
            links.append(CareLink(clinician.id, f"c{m - 1}", COVERS))
        if m % 5 == 2:
            links.append(CareLink(clinician.id, "c0", ESCALATES))
    return CareGraph("p-jane", tuple(nodes), tuple(links))


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


@pytest.mark.parametrize("members", [12, 20, 24])
def test_a_large_care_team_names_everyone_clear_of_one_another(qtbot, view, members):
    """Rings spread wider until every name finds room; the view scrolls rather than shrink the
    names past reading (the panel at 1366x768 is about 420x250)."""
    view.resize(420, 250)
    view.show()
    qtbot.waitExposed(view)
    view.show_graph(large_team(members))
    names = [item.tag for item in view.node_items()]
    assert len(names) == 2 * members + 1 and all(tag.isVisible() for tag in names)
    tags = [item.tag for item in view.node_items() + view.link_items() if item.tag.isVisible()]
    overlapping = [(text_of(a), text_of(b)) for a, b in itertools.combinations(tags, 2)
                   if a.sceneBoundingRect().intersects(b.sceneBoundingRect())]
    covering = [(text_of(tag), person.node.label) for tag in tags for person in view.node_items()
                if tag.parentItem() is not person
                and tag.sceneBoundingRect().intersects(person.sceneBoundingRect())]
    assert (overlapping, covering) == ([], [])
    assert view.view.transform().m11() >= MIN_ZOOM
    assert view.view.sceneRect().contains(view.scene.itemsBoundingRect())  # all can be scrolled to


@pytest.mark.parametrize("graph", [ward_team(20), large_team(20)], ids=["ward", "team"])
def test_a_resize_settles_at_once(qtbot, view, graph):
    """Near the smallest zoom, scroll bars that came and went with the zoom resized the view,
    and each resize asked for another fit: the station window hung at 1366x768."""
    view.show()
    qtbot.waitExposed(view)
    view.show_graph(graph)
    fits = []
    fit = view.view.fit
    view.view.fit = lambda: (fits.append(view.view.size()), fit())
    for width in range(380, 520, 3):
        for height in (250, 300):
            view.resize(width, height)
            QApplication.processEvents()
            QApplication.processEvents()
            settled = len(fits)
            QApplication.processEvents()  # what the resize set off has been handled: no more
            assert len(fits) == settled, f"fitted again and again at {width}x{height}"


def text_of(tag) -> str:
    return tag.childItems()[0].text()


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
