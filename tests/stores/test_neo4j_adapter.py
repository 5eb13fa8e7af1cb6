"""The Neo4j care network at the driver boundary: the Cypher and parameters each operation sends,
read or write routing, and how the rows that come back become model records."""

from __future__ import annotations

import neo4j
import pytest
from neo4j.api import AsyncBookmarkManager

from stores.errors import ValidationError
from stores.model import CareLink, CareLinkKind, CareNodeKind, Clinician, ClinicianRole
from stores.network import neo4j_cypher as cypher
from stores.network.neo4j import Neo4jCareNetworkStore
from tests.stores.neo4j_fake import FakeNeo4jDriver

pytestmark = pytest.mark.asyncio
TREATS, NURSES = CareLinkKind.TREATS, CareLinkKind.ASSIGNED_NURSE
COVERS, ESCALATES = CareLinkKind.COVERS_FOR, CareLinkKind.ESCALATES_TO
HOSTILE = "x'}) DETACH DELETE n //"


@pytest.fixture
def driver() -> FakeNeo4jDriver:
    return FakeNeo4jDriver()


@pytest.fixture
def network(driver) -> Neo4jCareNetworkStore:
    return Neo4jCareNetworkStore(driver, "north", addresses=["n1:7687"])


def ends(source: str | None, target: str | None) -> list[dict]:
    return [{"source_kind": source, "target_kind": target}]


async def test_put_clinician_merges_by_id_on_the_leader_with_every_field_bound(driver, network):
    driver.answer(cypher.PUT_CLINICIAN, [{"id": "d-ng"}])

    await network.put_clinician(Clinician("d-ng", "Dr Ng", ClinicianRole.DOCTOR, "north", None))

    [sent] = driver.sent
    assert (sent.query, sent.access, sent.database) == (cypher.PUT_CLINICIAN, "write", "north")
    assert sent.parameters == {"id": "d-ng", "name": "Dr Ng", "role": "doctor",
                               "region": "north", "ward": None}
    assert "MERGE (clinician:Clinician {id: $id})" in sent.query


async def test_put_patient_binds_id_and_name(driver, network):
    driver.answer(cypher.PUT_PATIENT, [{"id": "p1"}])

    await network.put_patient("p1", "Ada Lovelace")

    assert [(s.query, s.parameters, s.access) for s in driver.sent] == [
        (cypher.PUT_PATIENT, {"id": "p1", "name": "Ada Lovelace"}, "write")]


async def test_an_id_of_the_other_kind_gives_no_row_and_is_refused(driver, network):
    # The queries write nothing and return no row when the id belongs to the other kind.
    with pytest.raises(ValidationError) as as_patient:
        await network.put_patient("d-ng", "Dr Ng")
    with pytest.raises(ValidationError) as as_clinician:
        await network.put_clinician(Clinician("p1", "Ada", ClinicianRole.NURSE, "north"))

    assert as_patient.value.field == as_clinician.value.field == "id"
    assert "as a clinician" in as_patient.value.message
    assert "as a patient" in as_clinician.value.message


async def test_values_go_only_into_parameters_never_into_the_cypher_text(driver, network):
    driver.answer(cypher.PUT_PATIENT, [{"id": HOSTILE}])
    driver.answer(cypher.LINK_ENDS, ends("clinician", "patient"))

    await network.put_patient(HOSTILE, HOSTILE)
    await network.link(CareLink(HOSTILE, HOSTILE + "2", TREATS))
    await network.unlink(CareLink(HOSTILE, HOSTILE, ESCALATES))
    await network.clinicians(HOSTILE)
    await network.care_team(HOSTILE)
    await network.remove_patient(HOSTILE)

    assert len(driver.sent) == 7
    for sent in driver.sent:
        assert sent.query in cypher.ALL_QUERIES  # one of the fixed texts, nothing built per call
        assert HOSTILE not in sent.query
        assert HOSTILE in "".join(str(v) for v in sent.parameters.values())


async def test_link_checks_both_ends_then_merges_in_one_write_transaction(driver, network):
    driver.answer(cypher.LINK_ENDS, ends("clinician", "patient"))

    await network.link(CareLink("d-ng", "p1", TREATS))

    check, merge = driver.sent
    assert (check.query, merge.query) == (cypher.LINK_ENDS, cypher.LINK[TREATS])
    assert check.parameters == merge.parameters == {"source_id": "d-ng", "target_id": "p1"}
    assert check.transaction == merge.transaction and merge.access == "write"


@pytest.mark.parametrize(("kind", "pattern"), [
    (TREATS, "MATCH (target:Patient {id: $target_id})\nMERGE (source)-[:TREATS]->(target)"),
    (NURSES, "MATCH (target:Patient {id: $target_id})\nMERGE (source)-[:ASSIGNED_NURSE]->"),
    (COVERS, "MATCH (target:Clinician {id: $target_id})\nMERGE (source)-[:COVERS_FOR]->"),
    (ESCALATES, "MATCH (target:Clinician {id: $target_id})\nMERGE (source)-[:ESCALATES_TO]->"),
])
async def test_each_link_kind_has_its_relationship_type_from_the_whitelist(
        driver, network, kind, pattern):
    driver.answer(cypher.LINK_ENDS, ends("clinician", "patient" if kind.to_patient else "clinician"))

    await network.link(CareLink("a", "b", kind))
    await network.unlink(CareLink("a", "b", kind))

    assert pattern in driver.sent[1].query
    assert driver.sent[2].query == cypher.UNLINK[kind]
    assert f"-[link:{cypher.RELATIONSHIP_TYPES[kind]}]->" in driver.sent[2].query
    assert driver.sent[2].parameters == {"source_id": "a", "target_id": "b"}


@pytest.mark.parametrize(("found", "link", "field"), [
    (ends(None, "patient"), CareLink("d-x", "p1", TREATS), "source_id"),
    (ends("clinician", None), CareLink("d-ng", "p-x", TREATS), "target_id"),
    (ends("patient", "clinician"), CareLink("p1", "d-ng", TREATS), "source_id"),
    (ends("clinician", "clinician"), CareLink("d-ng", "d-oak", TREATS), "target_id"),
    (ends("clinician", "patient"), CareLink("d-ng", "p1", COVERS), "target_id"),
    (ends("clinician", "clinician"), CareLink("d-ng", "d-ng", ESCALATES), "target_id"),
])
async def test_a_link_the_ends_do_not_allow_is_refused_before_anything_is_written(
        driver, network, found, link, field):
    driver.answer(cypher.LINK_ENDS, found)

    with pytest.raises(ValidationError) as refused:
        await network.link(link)

    assert refused.value.field == field
    assert driver.queries() == [cypher.LINK_ENDS]


async def test_remove_patient_detaches_and_deletes_the_node(driver, network):
    await network.remove_patient("p2")

    [sent] = driver.sent
    assert (sent.query, sent.parameters, sent.access) == (cypher.REMOVE_PATIENT, {"id": "p2"},
                                                          "write")
    assert "DETACH DELETE patient" in sent.query


async def test_clinicians_are_read_from_a_reader_and_ordered_by_name_then_id(driver, network):
    row = {"role": "nurse", "region": "north", "ward": None}
    driver.answer(cypher.CLINICIANS, [{**row, "id": "n2", "name": "nurse b"},
                                      {**row, "id": "n3", "name": "Nurse C", "ward": "north-1"},
                                      {**row, "id": "n1", "name": "Nurse C", "role": "doctor"}])

    found = await network.clinicians("north")

    [sent] = driver.sent
    assert (sent.query, sent.parameters, sent.access) == (cypher.CLINICIANS, {"region": "north"},
                                                          "read")
    # code-point order, as the embedded store's SQLite sorts: capitals first
    assert [c.id for c in found] == ["n1", "n3", "n2"]
    assert found[1] == Clinician("n3", "Nurse C", ClinicianRole.NURSE, "north", "north-1")
    assert found[0].role is ClinicianRole.DOCTOR


async def test_care_team_maps_the_row_to_a_graph_in_the_stable_order(driver, network):
    driver.answer(cypher.CARE_TEAM, [{
        "nodes": [{"id": "n-kim", "label": "Nurse Kim", "kind": "nurse"},
                  {"id": "p2", "label": "alan", "kind": "patient"},
                  {"id": "d-ng", "label": "Dr Ng", "kind": "doctor"},
                  {"id": "p1", "label": "Ada", "kind": "patient"}],
        "links": [[{"source_id": "n-kim", "target_id": "p1", "type": "ASSIGNED_NURSE"}],
                  [],
                  [{"source_id": "d-ng", "target_id": "p2", "type": "TREATS"},
                   {"source_id": "d-ng", "target_id": "p1", "type": "TREATS"}],
                  []],
    }])

    graph = await network.care_team("p1")

    [sent] = driver.sent
    assert (sent.query, sent.parameters, sent.access) == (cypher.CARE_TEAM, {"patient_id": "p1"},
                                                          "read")
    assert graph.focus_id == "p1"
    assert [n.id for n in graph.nodes] == ["p1", "p2", "d-ng", "n-kim"]
    assert graph.node("p2").kind is CareNodeKind.PATIENT and graph.node("p2").label == "alan"
    assert graph.links == (CareLink("d-ng", "p1", TREATS), CareLink("d-ng", "p2", TREATS),
                           CareLink("n-kim", "p1", NURSES))


@pytest.mark.parametrize("rows", [[], [{"nodes": [], "links": []}]])
async def test_an_unknown_patient_gives_an_empty_graph(driver, network, rows):
    driver.answer(cypher.CARE_TEAM, rows)

    graph = await network.care_team("nobody")

    assert (graph.focus_id, graph.nodes, graph.links) == ("nobody", (), ())


async def test_every_session_shares_one_bookmark_manager_so_reads_see_earlier_writes(driver):
    network = Neo4jCareNetworkStore(driver, None, addresses=["n1:7687"])
    driver.answer(cypher.PUT_PATIENT, [{"id": "p1"}])

    await network.put_patient("p1", "Ada")
    await network.care_team("p1")

    first, second = driver.sessions
    assert first["database"] is second["database"] is None  # the server's default database
    assert isinstance(first["bookmark_manager"], AsyncBookmarkManager)
    assert first["bookmark_manager"] is second["bookmark_manager"]
    assert [s.access for s in driver.sent] == ["write", "read"]


async def test_the_fake_has_only_what_the_real_driver_has():
    assert callable(neo4j.AsyncDriver.session) and callable(neo4j.AsyncDriver.close)
    assert callable(neo4j.AsyncSession.execute_read)
    assert callable(neo4j.AsyncSession.execute_write)
    assert callable(neo4j.AsyncManagedTransaction.run)
    assert callable(neo4j.AsyncResult.data)
