"""MongoDB for the tests: the nx-27017 wire-protocol server (from PyPI, storing in SQLite) on a free
port in a temporary folder, or the server WARD_TEST_MONGO_URL names (e.g. a real replica set).

nx-27017 is a standalone server that keeps no `$jsonSchema` validator and no partial index filter;
`keeps_validators` tells the tests which kind they talk to. Each test gets a database of its own
in place of the external URL's path, so a user defined elsewhere needs `?authSource=admin` (or
its database) in WARD_TEST_MONGO_URL; WARD_TEST_MONGO_PASSWORD is its password.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pymongo
import pytest

from stores.urls import StoreUrl, parse_store_url
from tests.servers import (
    ServerProcess,
    external_secret,
    external_url,
    find_program,
    free_port,
    port_open,
    start_or_skip,
)

NX_PROGRAM = "nx-27017"


@dataclass
class MongoServer:
    base_url: str  # mongodb://host:port/  (with any query options)
    secret: str | None = None
    keeps_validators: bool = True  # a real MongoDB keeps and enforces them; nx-27017 does not
    process: ServerProcess | None = None
    databases: list[str] = field(default_factory=list)  # handed out, dropped after the session

    def fresh_url(self, name: str) -> str:
        """The URL of a database no test has used: `name` plus a random suffix."""
        safe = re.sub(r"[^A-Za-z0-9_]", "_", name)[:40]  # MongoDB and nx-27017 both accept these
        database = f"ward_{safe}_{uuid.uuid4().hex[:8]}"
        self.databases.append(database)
        parts = urlsplit(self.base_url)
        return urlunsplit(parts._replace(path=f"/{database}"))


def nx_process(folder: Path, port: int) -> ServerProcess:
    """An nx-27017 server on `port` keeping its databases in `folder` (not started yet)."""
    program = find_program(NX_PROGRAM)
    if program is None:
        raise RuntimeError(f"{NX_PROGRAM} is not installed (pip install nx-27017)")
    argv = [program, "--host", "127.0.0.1", "-p", str(port), "--data-dir", str(folder / "data"),
            "--log-file", str(folder / "nx.log"), "--pid-file", str(folder / "nx.pid")]
    return ServerProcess(argv, folder, ready=lambda: port_open(port))


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory):
    url = external_url("mongo")
    if url:
        server = MongoServer(url, secret=external_secret("mongo"))
        yield server
        _drop(server)
        return
    port = free_port()
    folder = tmp_path_factory.mktemp("nx-27017")
    process = start_or_skip(NX_PROGRAM, lambda: nx_process(folder, port).start())
    try:
        yield MongoServer(f"mongodb://127.0.0.1:{port}/", keeps_validators=False,
                          process=process)
    finally:
        process.stop()


def patient_store_url(server: MongoServer, name: str, **options: str) -> StoreUrl:
    """The parsed URL of an empty patient store on `server`, with extra query options."""
    url = server.fresh_url(name)
    if options:
        url += ("&" if "?" in url else "?") + urlencode(options)
    return parse_store_url("patients", url)


def _drop(server: MongoServer) -> None:
    """Drop the databases the tests made on a server run elsewhere."""
    client = pymongo.MongoClient(server.base_url, password=server.secret,
                                 serverSelectionTimeoutMS=5000)
    try:
        for database in server.databases:
            client.drop_database(database)
    finally:
        client.close()
