"""Contract of CareNetworkStore: people, links, and a patient's care team two hops out."""

from __future__ import annotations

import pytest

from stores.errors import ValidationError
from stores.model import (
    CareLink,
    CareLinkKind,
    CareNodeKind,
    Clinician,
    ClinicianRole,
    HealthState,
)

pytestmark = pytest.mark.asyncio
STORE = "network"

TREATS, NURSES = CareLinkKind.TREATS, CareLinkKind.ASSIGNED_NURSE
COVERS, ESCALATES = CareLinkKind.COVERS_FOR, CareLinkKind.ESCALATES_TO

DOCTORS = {"d-ng": "Dr Ng", "d-oak": "Dr Oak", "d-far": "Dr Far"}
NURSES_ = {"n-kim": "Nurse Kim", "n-lee": "Nurse Lee"}
PATIENTS = {"p1": "Ada Lovelace", "p2": "Alan Turing", "p3": "Grace Hopper", "p4": "Emmy Noether"}


async def build_ward(network) -> None:
    """p1 is treated by Dr Ng and nursed by Kim; Ng also treats p2; Kim nurses p3; Dr Oak covers
    for Ng; Ng escalates to Dr Far; Far treats p4 (three hops from p1: left out)."""
    for id_, name in DOCTORS.items():
        await network.put_clinician(Clinician(id_, name, ClinicianRole.DOCTOR, "north", "north-1"))
    for id_, name in NURSES_.items():
        await network.put_clinician(Clinician(id_, name, ClinicianRole.NURSE, "north", "north-1"))
    for id_, name in PATIENTS.items():
        await network.put_patient(id_, name)
    for link in LINKS:
        await network.link(link)


LINKS = [
    CareLink("d-ng", "p1", TREATS),
    CareLink("n-kim", "p1", NURSES),
    CareLink("d-ng", "p2", TREATS),
    CareLink("n-kim", "p3", NURSES),
    CareLink("d-oak", "d-ng", COVERS),
    CareLink("d-ng", "d-far", ESCALATES),
    CareLink("d-far", "p4", TREATS),
    CareLink("n-lee", "p4", NURSES),
]


async def test_care_team_reaches_two_hops_with_every_link_among_its_people(stores):
    await build_ward(stores.network)

    graph = await stores.network.care_team("p1")

    assert graph.focus_id == "p1"
    assert {n.id for n in graph.nodes} == {"p1", "p2", "p3", "d-ng", "n-kim", "d-oak", "d-far"}
    assert set(graph.links) == set(LINKS[:6])
    assert graph.node("d-ng").label == "Dr Ng"
    assert graph.node("d-ng").kind is CareNodeKind.DOCTOR
    assert graph.node("n-kim").kind is CareNodeKind.NURSE
    assert graph.node("p2").kind is CareNodeKind.PATIENT


async def test_care_team_is_in_a_stable_order_patients_doctors_nurses_by_label(stores):
    await build_ward(stores.network)

    graph = await stores.network.care_team("p1")

    assert [n.id for n in graph.nodes] == ["p1", "p2", "p3", "d-far", "d-ng", "d-oak", "n-kim"]
    assert list(graph.links) == sorted(graph.links,
                                       key=lambda link: (link.source_id, link.target_id))
    assert await stores.network.care_team("p1") == graph


async def test_a_patient_without_clinicians_is_alone_and_an_unknown_one_is_empty(stores):
    await stores.network.put_patient("p9", "Lonely Patient")

    alone = await stores.network.care_team("p9")

    assert [n.id for n in alone.nodes] == ["p9"] and alone.links == ()
    unknown = await stores.network.care_team("nobody")
    assert unknown.focus_id == "nobody" and unknown.nodes == () and unknown.links == ()


async def test_link_needs_both_ends_to_exist(stores):
    await stores.network.put_patient("p1", "Ada")
    await stores.network.put_clinician(Clinician("d-ng", "Dr Ng", ClinicianRole.DOCTOR, "north"))

    with pytest.raises(ValidationError) as no_source:
        await stores.network.link(CareLink("d-nobody", "p1", TREATS))
    with pytest.raises(ValidationError) as no_target:
        await stores.network.link(CareLink("d-ng", "p-nobody", TREATS))

    assert (no_source.value.field, no_target.value.field) == ("source_id", "target_id")


@pytest.mark.parametrize(
    ("link", "field"),
    [
        (CareLink("p1", "d-ng", TREATS), "source_id"),
        (CareLink("d-ng", "d-oak", TREATS), "target_id"),
        (CareLink("d-ng", "p1", COVERS), "target_id"),
        (CareLink("d-ng", "d-ng", ESCALATES), "target_id"),
    ],
)
async def test_links_go_from_a_clinician_to_what_their_kind_names(stores, link, field):
    await build_ward(stores.network)

    with pytest.raises(ValidationError) as refused:
        await stores.network.link(link)

    assert refused.value.field == field


async def test_link_is_idempotent_and_unlink_removes_it(stores):
    await build_ward(stores.network)
    await stores.network.link(CareLink("d-ng", "p1", TREATS))

    links = (await stores.network.care_team("p1")).links
    assert links.count(CareLink("d-ng", "p1", TREATS)) == 1

    await stores.network.unlink(CareLink("d-ng", "p1", TREATS))
    await stores.network.unlink(CareLink("d-ng", "p1", TREATS))  # absent: no error
    graph = await stores.network.care_team("p1")
    assert "d-ng" not in {n.id for n in graph.nodes}


async def test_remove_patient_takes_their_links_with_them(stores):
    await build_ward(stores.network)

    await stores.network.remove_patient("p2")

    graph = await stores.network.care_team("p1")
    assert "p2" not in {n.id for n in graph.nodes}
    assert all("p2" not in (link.source_id, link.target_id) for link in graph.links)
    assert (await stores.network.care_team("p2")).nodes == ()


async def test_put_patient_renames_and_put_clinician_updates(stores):
    await build_ward(stores.network)
    await stores.network.put_patient("p1", "Ada King")
    await stores.network.put_clinician(Clinician("d-ng", "Dr Ng", ClinicianRole.DOCTOR, "south"))

    graph = await stores.network.care_team("p1")

    assert graph.node("p1").label == "Ada King"
    assert "d-ng" not in {c.id for c in await stores.network.clinicians("north")}
    assert [c.ward for c in await stores.network.clinicians("south")] == [None]


async def test_an_id_stays_a_patient_or_a_clinician(stores):
    await build_ward(stores.network)

    with pytest.raises(ValidationError):
        await stores.network.put_patient("d-ng", "Dr Ng")
    with pytest.raises(ValidationError):
        await stores.network.put_clinician(Clinician("p1", "Ada", ClinicianRole.NURSE, "north"))


async def test_clinicians_of_a_region_by_name(stores):
    await build_ward(stores.network)
    await stores.network.put_clinician(Clinician("d-sun", "Dr Sun", ClinicianRole.DOCTOR, "south"))

    north = await stores.network.clinicians("north")

    assert [c.name for c in north] == ["Dr Far", "Dr Ng", "Dr Oak", "Nurse Kim", "Nurse Lee"]
    assert north[3] == Clinician("n-kim", "Nurse Kim", ClinicianRole.NURSE, "north", "north-1")
    assert [c.id for c in await stores.network.clinicians("south")] == ["d-sun"]


async def test_the_network_survives_a_restart(stores, reopen):
    await build_ward(stores.network)
    graph = await stores.network.care_team("p1")

    stores = await reopen(stores)

    assert await stores.network.care_team("p1") == graph


async def test_health_is_up(stores):
    health = await stores.network.health()

    assert (health.store, health.state) == ("network", HealthState.UP)
