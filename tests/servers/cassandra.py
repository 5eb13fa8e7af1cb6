"""Cassandra for the analytics contract suite: the lab's three-node cluster (app/lab/, nodes on
127.0.0.1-3 in datacenter dc1), started once per session from the jars `ward-station lab fetch`
fetches (fetched here if missing); or a cluster run elsewhere, named by WARD_TEST_CASSANDRA_URL,
its password in WARD_TEST_CASSANDRA_PASSWORD. Without Java 17 and Maven, and no URL, the suite
skips.

On the lab's cluster the tests share one keyspace of three replicas, created by the first
test's `prepare(create=True)` and emptied (TRUNCATE) before each later test: a keyspace per test
would cost five schema changes, about 6 s on three nodes (each waits until gossip shows every
node the new schema), where emptying takes about 1 s. It is written at LOCAL_QUORUM and read at
LOCAL_QUORUM: the contract reads its own writes, which the station's default LOCAL_ONE reads do
not promise (a read may reach the one replica a write has not reached yet).

On a cluster run elsewhere, each test gets a keyspace of its own, `<keyspace of the URL>_<test>_
<random>`, created by the test's `prepare(create=True)` and dropped when the session ends; with
no `replication` option in the URL, it is kept once in the local datacenter (a test cluster
often has one node).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from app.lab.cassandra_cluster import CassandraCluster, LoopbackMissing
from app.lab.fetch import JavaServer
from stores.analytics.cassandra_cluster import build_cluster
from stores.analytics.cassandra_cql import TABLES, quoted
from stores.analytics.cassandra_errors import reason
from stores.analytics.cassandra_settings import CassandraSettings
from stores.urls import parse_store_url
from tests.servers import external_secret, external_url
from tests.servers.java_servers import START_WAIT_S, fetched_or_skip, start_java_or_skip


class ExternalCassandra:
    """A Cassandra cluster the tests may create keyspaces on (and drop the ones they made)."""

    def __init__(self, url: str, secret: str | None) -> None:
        self.secret = secret
        self._parts = urlsplit(url)
        options = dict(parse_qsl(self._parts.query))
        options.setdefault("replication", f"{options.get('dc', '')}:1")
        self._options = options
        self._settings = CassandraSettings.from_url(parse_store_url("analytics", self.url("x")))
        self._base = self._parts.path.strip("/") or "ward_test"
        self.keyspaces: list[str] = []

    def url(self, keyspace: str) -> str:
        return urlunsplit(self._parts._replace(path=f"/{keyspace}",
                                               query=urlencode(self._options, safe=":,")))

    def fresh_url(self, name: str) -> str:
        """The URL of a keyspace no test has used (a keyspace name holds at most 48 characters)."""
        safe = re.sub(r"[^A-Za-z0-9_]", "_", name)[:16]
        keyspace = f"{self._base[:20]}_{safe}_{uuid.uuid4().hex[:8]}"
        self.keyspaces.append(keyspace)
        return self.url(keyspace)

    def drop_keyspaces(self) -> None:
        """Drop the keyspaces handed out (blocking: the driver's synchronous API)."""
        cluster = build_cluster(self._settings, self.secret)
        try:
            session = cluster.connect()
            for keyspace in self.keyspaces:
                session.execute(f"DROP KEYSPACE IF EXISTS {quoted(keyspace)}", timeout=60)
        except Exception as exc:
            raise RuntimeError(f"could not drop the test keyspaces {self.keyspaces}: "
                               f"{reason(exc, self._settings.addresses)}") from exc
        finally:
            cluster.shutdown()


class LabKeyspace(ExternalCassandra):
    """The one keyspace of the tests on the lab's cluster, emptied for each test."""

    def __init__(self, cluster: CassandraCluster) -> None:
        super().__init__(cluster.url("ward_test", read_consistency="LOCAL_QUORUM"), None)
        self._driver = build_cluster(self._settings, None)
        self._session = self._driver.connect()

    def fresh_url(self, name: str) -> str:
        keyspace = self._base
        found = self._session.execute(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = %s", [keyspace])
        for table in {row["table_name"] for row in found} & set(TABLES):
            self._session.execute(f"TRUNCATE {quoted(keyspace)}.{table}", timeout=60)
        return self.url(keyspace)

    def close(self) -> None:
        self._driver.shutdown()


def start_cluster(folder: Path, jars: JavaServer, java: str) -> CassandraCluster:
    """The lab's three nodes in `folder`, on free ports, all up and seeing each other."""
    cluster = CassandraCluster(folder, nodes=3)
    cluster.start(jars, java)
    try:
        cluster.wait_ready(START_WAIT_S)
    except BaseException:
        cluster.kill()
        raise
    return cluster


@pytest.fixture(scope="session")
def cassandra_cluster(tmp_path_factory):
    """The lab's three-node cluster, for the tests that act on its nodes (and the suite)."""
    jars, java = fetched_or_skip("cassandra")
    try:
        cluster = start_java_or_skip("Cassandra", lambda: start_cluster(
            tmp_path_factory.mktemp("cassandra"), jars, java))
    except LoopbackMissing as exc:
        pytest.skip(str(exc))
    yield cluster
    cluster.kill()  # its data is the session's: nothing to flush


@pytest.fixture(scope="session")
def cassandra_lab_keyspace(cassandra_cluster):
    """The tests' keyspace on the lab's cluster (nothing dropped at the end: the cluster goes
    with its folder)."""
    keyspace = LabKeyspace(cassandra_cluster)
    yield keyspace
    keyspace.close()


@pytest.fixture(scope="session")
def cassandra_server(request):
    url = external_url("cassandra")
    if url is None:
        yield request.getfixturevalue("cassandra_lab_keyspace")
        return
    server = ExternalCassandra(url, external_secret("cassandra"))
    yield server
    if server.keyspaces:
        server.drop_keyspaces()
