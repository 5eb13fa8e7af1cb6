"""The Neo4j server for the care network's contract suite: the lab's (app/lab/neo4j_server.py),
started once per session on a free port from the jars `ward-station lab fetch` fetches (fetched
here if missing), with a generated password; or one run elsewhere, named by WARD_TEST_NEO4J_URL,
its password in WARD_TEST_NEO4J_PASSWORD. Without Java 17 and Maven, and no URL, the suite skips.

Every test starts from an empty database: `fresh_url` deletes every node (DETACH DELETE) before
handing the URL out. So an external URL must name a database kept for the tests, for example
neo4j://host:7687/wardtest (Community Edition has one database: name it, .../neo4j, to agree
to it being emptied). The first use leaves a (:WardStationTestDatabase) node there, which the
cleaning spares, and the suite refuses, skipping with the reason, a database that holds nodes
but not that mark: someone's real data. A database that does not exist yet is created by the
first test's `prepare(create=True)` (Enterprise Edition).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import ClientError

from app.lab.fetch import JavaServer
from app.lab.neo4j_server import Neo4jServer
from app.lab.ports import free_port
from stores.network.neo4j_connect import driver_config, driver_uri
from stores.urls import parse_store_url
from tests.servers import external_secret, external_url
from tests.servers.java_servers import START_WAIT_S, fetched_or_skip, start_java_or_skip

MARK = "WardStationTestDatabase"
# Aggregating without grouping keys: one row even when there are no nodes.
_COUNT = f"MATCH (n) RETURN count(n) AS nodes, count(CASE WHEN n:{MARK} THEN 1 END) AS marks"
_MARK = f"MERGE (:{MARK} {{purpose: 'emptied before every Ward Station contract test'}})"
_EMPTY = f"MATCH (n) WHERE NOT n:{MARK} DETACH DELETE n"
_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
HOW = ("set WARD_TEST_NEO4J_URL=neo4j://host:7687/DATABASE (a database the tests may empty; "
       "and WARD_TEST_NEO4J_PASSWORD) to run the care-network contract suite against a real "
       "Neo4j")


class ExternalNeo4j:
    """A Neo4j database kept for the tests, emptied before each one."""

    def __init__(self, url: str, secret: str | None) -> None:
        parsed = parse_store_url("network", url)
        self.url = url
        self.secret = secret
        self.database = parsed.path
        self._driver = neo4j.GraphDatabase.driver(driver_uri(parsed),
                                                  **driver_config(parsed, secret, 30.0))

    def refusal(self) -> str | None:
        """Why this database must not be emptied, or None (and then it is marked as ours)."""
        if not self.database or self.database == "system":
            return f"WARD_TEST_NEO4J_URL must name the database the tests may empty; {HOW}"
        counted = self._query(_COUNT)  # None: not created yet, nothing to lose
        if counted and counted[0]["nodes"] and not counted[0]["marks"]:
            return (f"database {self.database} at {self.url} holds {counted[0]['nodes']} nodes "
                    f"that the tests did not put there (no :{MARK} node); the tests empty their "
                    "database, so give them one of their own")
        return None

    def fresh_url(self, name: str) -> str:
        """The URL, once every node but the mark is gone (`name` is not needed: one database)."""
        if self._query(_EMPTY) is not None:
            self._query(_MARK)  # from now on this database is known to be the tests' own
        return self.url

    def run(self, cypher: str, **parameters: object) -> list[dict]:
        """The rows of one Cypher query on the tests' database, as an administrator would
        send it (driver errors raised as they come)."""
        records, _, _ = self._driver.execute_query(cypher, parameters, database_=self.database)
        return [record.data() for record in records]

    def _query(self, cypher: str) -> list[dict] | None:
        """The rows, or None while the database does not exist yet."""
        try:
            records, _, _ = self._driver.execute_query(cypher, database_=self.database)
        except ClientError as exc:
            if exc.code == _NOT_FOUND:
                return None
            raise
        return [record.data() for record in records]

    def close(self) -> None:
        self._driver.close()


def start_neo4j(folder: Path, jars: JavaServer, java: str) -> Neo4jServer:
    """The lab's Neo4j in `folder`, on a free port, with a generated password, answering."""
    lab = Neo4jServer(folder, free_port(), "ward-test-" + secrets.token_hex(8))
    lab.start(jars, java)
    try:
        lab.wait_ready(START_WAIT_S)
    except BaseException:
        if lab.process:
            lab.process.kill()
        raise
    return lab


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    url = external_url("neo4j")
    if url is None:
        jars, java = fetched_or_skip("neo4j")
        lab = start_java_or_skip("Neo4j", lambda: start_neo4j(tmp_path_factory.mktemp("neo4j"),
                                                           jars, java))
        server = ExternalNeo4j(lab.url, lab.password)
        try:
            yield server
        finally:
            server.close()
            if lab.process:
                lab.process.kill()  # its data is the session's: nothing to flush
        return
    server = ExternalNeo4j(url, external_secret("neo4j"))
    try:
        refusal = server.refusal()
        if refusal:
            pytest.skip(refusal)
        yield server
    finally:
        server.close()
