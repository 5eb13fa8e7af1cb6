"""Cassandra for the analytics contract suite: a cluster run elsewhere (no Cassandra can run on
this machine), named by WARD_TEST_CASSANDRA_URL, its password in WARD_TEST_CASSANDRA_PASSWORD.

Each test gets a keyspace of its own, `<keyspace of the URL>_<test>_<random>`, created by the
test's `prepare(create=True)`; the keyspaces handed out are dropped when the session ends. With
no `replication` option in the URL, they are kept once in the local datacenter (a test cluster
often has one node).
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from stores.analytics.cassandra_cluster import build_cluster
from stores.analytics.cassandra_cql import quoted
from stores.analytics.cassandra_errors import reason
from stores.analytics.cassandra_settings import CassandraSettings
from stores.urls import parse_store_url
from tests.servers import external_secret, external_url

HOW = ("set WARD_TEST_CASSANDRA_URL=cassandra://host:9042/ward_test?dc=datacenter1 to run the "
       "analytics contract suite against a real Cassandra")


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


@pytest.fixture(scope="session")
def cassandra_server():
    url = external_url("cassandra")
    if url is None:
        pytest.skip(HOW)
    server = ExternalCassandra(url, external_secret("cassandra"))
    yield server
    if server.keyspaces:
        server.drop_keyspaces()
