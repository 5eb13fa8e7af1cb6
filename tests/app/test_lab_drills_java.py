"""The Java drills at the command level, on one lab made of the session's servers: the three
Cassandra nodes the suite shares (tests/servers/cassandra.py), one of them frozen and continued
(the same processes stay, for the tests after), and a Neo4j of the module's own, which the
drill stops and starts again. The other stores stay embedded."""

from __future__ import annotations

import json
import os
import signal

import psutil
import pytest

from app.cli import main
from app.lab import control
from app.lab.drills.events import DrillEventReader
from app.lab.java_nodes import NEO4J_SECRET
from app.lab.node import LabNode
from app.lab.process import ServerProcess
from app.lab.state import Lab
from app.lab.station_files import write_station_files
from stores import STORE_NAMES, StoreConfig, open_stores
from tests.servers.java_servers import START_TIMEOUT_S, fetched_or_skip, start_java_or_skip
from tests.servers.neo4j import start_neo4j

pytestmark = [pytest.mark.slow, pytest.mark.timeout(START_TIMEOUT_S)]
KEYSPACE = "ward_test"  # the suite's own keyspace on the shared cluster (its rows are apart)


def _node(process: ServerProcess, store: str, kind: str, address: str, port: int) -> LabNode:
    node = LabNode(process.name, store, kind, address, port, process.folder, process.argv,
                   env=process.env, pid=process.pid)
    node.started = psutil.Process(process.pid).create_time()
    return node


@pytest.fixture(scope="module")
def java_lab(cassandra_cluster):
    """The lab's folder is the shared cluster's: a lab acts only on processes run from its
    folder. Its analytics schema made if the suite has not made it yet."""
    folder = cassandra_cluster.nodes[0].folder.parent
    jars, java = fetched_or_skip("neo4j")
    neo4j = start_java_or_skip("Neo4j", lambda: start_neo4j(folder / "neo4j", jars, java))
    lab = Lab(folder, [_node(node.process, "analytics", "cassandra", node.address,
                             node.native_port) for node in cassandra_cluster.nodes])
    lab.nodes.append(_node(neo4j.process, "network", "neo4j", neo4j.address, neo4j.bolt_port))
    lab.save()
    urls = {"analytics": cassandra_cluster.url(KEYSPACE),
            "network": neo4j.url + "?insecure=true"}
    write_station_files(folder, urls, {NEO4J_SECRET: neo4j.password})
    try:
        _prepare(folder, urls, neo4j.password)
        yield lab
    finally:
        for node in cassandra_cluster.running():  # never leave a node frozen
            os.kill(node.process.pid, signal.SIGCONT)
        if Lab.load(folder).node("neo4j").state(folder) != "down":
            control.stop(Lab.load(folder), "neo4j", lambda _: None)
        neo4j.process.kill()


def _prepare(folder, urls: dict[str, str], password: str) -> None:
    import asyncio

    async def prepare() -> None:
        stores = await open_stores(StoreConfig(
            folder / "prepare", dict.fromkeys(STORE_NAMES, "embedded") | urls,
            {"network": password}))
        try:
            await stores.analytics.prepare(create=True)
            await stores.network.prepare(create=True)
        finally:
            await stores.close()

    asyncio.run(prepare())


def _drill(capsys, lab: Lab, *argv: str) -> tuple[int, dict, str]:
    code = main(["lab", "drill", *argv, "--dir", str(lab.folder), "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out.strip().splitlines()[-1]), out + err


def test_a_frozen_cassandra_node_loses_no_rollup_read_back_at_all(java_lab, capsys):
    code, found, said = _drill(capsys, java_lab, "cassandra-node", "--fault", "freeze")

    assert code == 0, said
    assert (found["node"], found["fault"]) == ("cassandra-2", "freeze")
    # the driver's heartbeat marks a hung node down within about 7 s (not its default minute)
    assert 1.0 < found["detect_s"] < 20.0 and found["recovered_s"] is not None
    assert found["writes_made"] >= 50 and found["writes_lost"] == found["writes_failed"] == 0
    assert found["writes_queued"] == found["writes_delivered"]
    assert found["reads_made"] >= 20 and found["consistency"] == (
        "writes: LOCAL_QUORUM, reads: LOCAL_ONE")
    assert found["verdict"].startswith("nothing lost")  # and what the reads cost, if anything
    steps = [e.text for e in DrillEventReader(java_lab.folder).read() if e.kind == "step"]
    down = java_lab.node("cassandra-2")
    assert any(text.startswith("freeze cassandra-2") for text in steps), steps
    assert any(text.startswith("the station sees analytics ")
               and text.endswith(f": {down.address}:{down.port} down") for text in steps), steps
    assert any(text.startswith("read back at ALL: ") for text in steps), steps


def test_neo4j_stopped_and_started_again_loses_no_care_link(java_lab, capsys):
    code, found, said = _drill(capsys, java_lab, "neo4j")

    assert code == 0, said
    assert found["fault"] == "stop"
    assert found["writes_queued"] == found["writes_delivered"] > 0  # the outbox was used
    assert found["writes_lost"] == found["writes_refused"] == found["writes_failed"] == 0
    assert 0 <= found["detect_s"] < found["restored_s"] < found["station_resumed_s"]
    assert found["answered_s"] <= found["recovered_s"]
    assert found["verdict"] == "nothing lost"
    steps = [e.text for e in DrillEventReader(java_lab.folder).read() if e.kind == "step"]
    assert "restore neo4j" in steps and any(t.startswith("neo4j started again") for t in steps)
    assert any(t.startswith("read back the doctor's care team: ") for t in steps), steps
    assert Lab.load(java_lab.folder).node("neo4j").state(java_lab.folder) == "running"
