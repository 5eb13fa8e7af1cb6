"""The care network on Neo4j through the official async driver: `neo4j://` routes reads to
followers and writes to the leader; Cypher with parameters only (see neo4j_cypher)."""

from __future__ import annotations

import neo4j

from stores.model import CareGraph, CareLink, Clinician, StoreHealth
from stores.network import CareNetworkStore
from stores.network import neo4j_cypher as cypher
from stores.network.neo4j_connect import call_timeout_s, driver_config, driver_uri
from stores.network.neo4j_health import check_health
from stores.network.neo4j_records import (
    already_other_kind,
    care_graph,
    check_link_ends,
    clinicians,
)
from stores.network.neo4j_schema import prepare_schema
from stores.network.neo4j_session import Neo4jSessions, rows
from stores.urls import StoreUrl


async def open_store(url: StoreUrl, secret: str | None) -> Neo4jCareNetworkStore:
    """Build the store without connecting: the driver connects on the first call, and again
    after the cluster comes back."""
    timeout_s = call_timeout_s(url)
    driver = neo4j.AsyncGraphDatabase.driver(driver_uri(url),
                                             **driver_config(url, secret, timeout_s))
    return Neo4jCareNetworkStore(driver, url.path or None, addresses=url.addresses,
                                 timeout_s=timeout_s, routing=url.scheme.startswith("neo4j"))


class Neo4jCareNetworkStore(CareNetworkStore):
    """The care network in one Neo4j database (None: the server's default database).

    `driver` is a `neo4j.AsyncDriver` (the tests hand in a recording stand-in for it)."""

    def __init__(self, driver: neo4j.AsyncDriver, database: str | None, *, addresses: list[str],
                 timeout_s: float = 5.0, routing: bool = True) -> None:
        self._sessions = Neo4jSessions(driver, database, addresses, timeout_s)
        self._seed_role = "router" if routing else "server"

    async def put_clinician(self, clinician: Clinician) -> None:
        params = {"id": clinician.id, "name": clinician.name, "role": clinician.role.value,
                  "region": clinician.region, "ward": clinician.ward}
        saved = await self._sessions.write(lambda tx: rows(tx, cypher.PUT_CLINICIAN, **params))
        if not saved:
            raise already_other_kind(clinician.id, "a patient")

    async def put_patient(self, patient_id: str, name: str) -> None:
        params = {"id": patient_id, "name": name}
        saved = await self._sessions.write(lambda tx: rows(tx, cypher.PUT_PATIENT, **params))
        if not saved:
            raise already_other_kind(patient_id, "a clinician")

    async def remove_patient(self, patient_id: str) -> None:
        await self._sessions.write(lambda tx: rows(tx, cypher.REMOVE_PATIENT, id=patient_id))

    async def link(self, link: CareLink) -> None:
        ends = {"source_id": link.source_id, "target_id": link.target_id}

        async def check_then_link(tx: neo4j.AsyncManagedTransaction) -> None:
            # One transaction: no one can remove an end between the check and the MERGE.
            found = (await rows(tx, cypher.LINK_ENDS, **ends))[0]
            check_link_ends(link, found["source_kind"], found["target_kind"])
            await rows(tx, cypher.LINK[link.kind], **ends)

        await self._sessions.write(check_then_link)

    async def unlink(self, link: CareLink) -> None:
        ends = {"source_id": link.source_id, "target_id": link.target_id}
        await self._sessions.write(lambda tx: rows(tx, cypher.UNLINK[link.kind], **ends))

    async def clinicians(self, region: str) -> list[Clinician]:
        found = await self._sessions.read(lambda tx: rows(tx, cypher.CLINICIANS, region=region))
        return clinicians(found)

    async def care_team(self, patient_id: str) -> CareGraph:
        found = await self._sessions.read(
            lambda tx: rows(tx, cypher.CARE_TEAM, patient_id=patient_id))
        return care_graph(patient_id, found[0] if found else None)

    async def prepare(self, create: bool = False) -> list[str]:
        return await prepare_schema(self._sessions, create)

    async def health(self) -> StoreHealth:
        return await check_health(self._sessions, self._seed_role)

    async def close(self) -> None:
        await self._sessions.close()
