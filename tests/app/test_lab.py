"""`ward-station lab`: the replicated stack on loopback from the servers installed here (Redis
master, two replicas and three Sentinels; nx-27017; influxd), a station config that reaches all
of them, each server acted on by name, and never a process the lab did not start."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tomllib

import pytest

from app.config import load_config
from app.lab import control
from app.lab.state import Lab, LabError
from app.lab.station_view import lab_states_for
from app.lab.table import rows
from app.lab.up import lab_up
from stores import open_stores
from tests.app.lab_small import lab_up_or_fail
from tests.waiting import eventually_blocking

pytestmark = pytest.mark.slow


@pytest.fixture
def lab(tmp_path):
    folder = tmp_path / "lab"
    said: list[str] = []
    yield lab_up_or_fail(folder, said)
    if folder.exists():
        control.down(Lab.load(folder), said.append)


def role_of(lab: Lab, name: str) -> str:
    return next(row[2] for row in rows(lab) if row[1] == name)


def test_up_starts_every_server_and_writes_a_config_that_reaches_them(lab):
    names = {node.name for node in lab.nodes}
    assert {"redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3",
            "mongo-1", "influxdb", "link-vitals", "link-patients"} <= names
    assert all(row[5] == "running" for row in rows(lab))
    assert role_of(lab, "redis-1").startswith("master, 2 replica(s)")
    config = load_config(lab.folder / "station.toml", environ={})
    assert config.stores["alerts"].startswith("redis+sentinel://")
    assert config.secrets["alerts"]  # from station.secrets, beside it
    assert config.alarm_keys("north") and config.training
    assert config.data_dir == lab.folder / "station-data"
    assert config.stores["network"] == config.stores["analytics"] == "embedded"  # --no-java
    # the station reaches InfluxDB and the one nx-27017 through its links, which `lab cut` cuts
    for store, link in (("vitals", "link-vitals"), ("patients", "link-patients")):
        assert f"127.0.0.1:{lab.node(link).port}/" in config.stores[store]
    assert any("left out (--no-java)" in note for note in lab.notes)
    assert (lab.folder / "station.secrets").stat().st_mode & 0o077 == 0
    secrets = tomllib.loads((lab.folder / "station.secrets").read_text())
    config_text = (lab.folder / "station.toml").read_text()
    assert secrets and not any(value in config_text for value in secrets.values())


def test_up_fills_the_demo_hospital_into_the_labs_stores(tmp_path):
    folder, said = tmp_path / "lab", []
    try:
        assert lab_up(folder, said.append, java=False) == 0, "\n".join(said)
        config = load_config(folder / "station.toml", environ={})

        async def beds():
            stores = await open_stores(config.store_config)
            try:
                return await stores.patients.beds(config.ward)
            finally:
                await stores.close()

        assert len(asyncio.run(beds())) == 16
        assert any("backfill written" in line for line in said), said
    finally:
        control.down(Lab.load(folder), said.append)


def test_a_killed_master_is_replaced_by_a_replica_and_comes_back_when_restored(lab):
    said: list[str] = []
    control.kill(lab, "redis-1", said.append)
    assert next(row[5] for row in rows(lab) if row[1] == "redis-1") == "down"
    new_master = eventually_blocking(
        lambda: next((row[1] for row in rows(lab) if row[1] in ("redis-2", "redis-3")
                      and row[2].startswith("master")), None), 30, "a replica promoted")
    control.restore(lab, "redis-1", said.append)
    master_port = lab.node(new_master).port
    eventually_blocking(lambda: role_of(lab, "redis-1").startswith(
        f"replica of 127.0.0.1:{master_port}"), 30, "the old master following the new one")


def test_a_frozen_node_holds_its_port_until_restored(lab):
    said: list[str] = []
    states = lab_states_for(lab.folder / "station-data")  # what a station on the lab sees
    sentinel = lab.node("sentinel-2")
    address = f"{sentinel.address}:{sentinel.port}"
    assert states()[address] == ("sentinel-2", "running")
    control.freeze(lab, "sentinel-2", said.append)
    assert next(row[5] for row in rows(lab) if row[1] == "sentinel-2") == "frozen"
    assert states()[address] == ("sentinel-2", "frozen")
    control.restore(lab, "sentinel-2", said.append)
    assert role_of(lab, "sentinel-2").startswith("sentinel, master at")
    assert lab_states_for(lab.folder / "elsewhere" / "data")() == {}  # not a lab's station
    control.kill(lab, "sentinel-2", said.append)
    assert states()[address] == ("sentinel-2", "down")
    control.restore(lab, "sentinel-2", said.append)  # a new process, recorded in lab.json
    assert states()[address] == ("sentinel-2", "running")


def test_a_process_the_lab_did_not_start_is_never_touched(lab):
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        node = lab.node("influxdb")
        control.stop(lab, "influxdb", lambda _: None)
        node.pid = stranger.pid  # as if the system gave the id to another process
        lab.save()
        reloaded = Lab.load(lab.folder)
        with pytest.raises(LabError, match="influxdb is not running"):
            control.kill(reloaded, "influxdb", lambda _: None)
        control.down(reloaded, lambda _: None)
        assert stranger.poll() is None  # still running
    finally:
        stranger.kill()
        stranger.wait()


def test_a_second_up_reuses_a_running_lab_and_cleans_a_stale_one(lab):
    said: list[str] = []
    assert lab_up(lab.folder, said.append, java=False, seed=False) == 0
    assert any("already up" in line for line in said)
    control.stop(lab, "mongo-1", said.append)
    said.clear()
    assert lab_up(lab.folder, said.append, java=False, seed=False) == 0
    assert any("stale lab" in line and "9 of 10" in line for line in said), said
    assert all(row[5] == "running" for row in rows(Lab.load(lab.folder)))


def test_a_folder_that_holds_something_else_is_left_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(LabError, match="holds files but no lab"):
        lab_up(tmp_path, lambda _: None, java=False, seed=False)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_name_the_lab_does_not_have_is_refused_listing_its_servers(lab):
    with pytest.raises(LabError, match=r"no server 'redis-9'.*redis-1, redis-2"):
        control.kill(lab, "redis-9", lambda _: None)


def test_the_command_says_in_one_line_when_there_is_no_lab(tmp_path):
    done = subprocess.run([sys.executable, "-m", "app", "lab", "status", "--dir",
                           str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"ward-station: error: no lab in {tmp_path / 'none'} (`ward-station lab up --dir "
        f"{tmp_path / 'none'}` starts one)"]


def test_where_only_127_0_0_1_listens_cassandra_runs_as_one_node_and_says_so(tmp_path,
                                                                             monkeypatch):
    """macOS without loopback aliases: Neo4j and one Cassandra node, not neither. The JVMs are
    stood in for by `sleep` (what is checked is the lab's choice, not Java)."""
    from app.lab import cassandra_cluster, java_nodes
    from app.lab.process import ServerProcess

    monkeypatch.setattr(cassandra_cluster, "loopback_usable", lambda a: a == "127.0.0.1")
    monkeypatch.setattr(java_nodes, "java17", lambda: "java")
    monkeypatch.setattr(java_nodes, "server", lambda name: type(
        "Fetched", (), {"name": name, "fetched": True})())
    started: list[ServerProcess] = []

    def stand_in(name, folder):
        process = ServerProcess(name, ["sleep", "60"], folder, lambda: True).start()
        started.append(process)
        return process

    def start_neo4j(self, jars, java):
        self.process = stand_in("neo4j", self.folder)
        return self.process

    def start_node(self, jars, java):
        self.process = stand_in(self.name, self.folder)
        return self.process

    monkeypatch.setattr(java_nodes.Neo4jServer, "start", start_neo4j)
    monkeypatch.setattr(cassandra_cluster.CassandraNode, "start", start_node)
    try:
        servers, note = java_nodes.start_java_servers(tmp_path, lambda _: None)
        assert [node.name for node in servers.nodes] == ["neo4j", "cassandra-1"]
        assert note is not None and note.startswith("Cassandra: one node, no replica to lose")
        assert "replication=dc1:1" in servers.urls["analytics"]
    finally:
        for process in started:
            process.kill()
