"""The lab's MongoDB and InfluxDB: a three-member replica set from `mongod` when it is on the
PATH, else one nx-27017 server (said plainly: no replication to show); one influxd."""

from __future__ import annotations

from pathlib import Path

from app.lab.node import LabNode
from app.lab.ports import LOOPBACK, free_port
from app.lab.programs import find_program

REPLICA_SET = "rs0"
MEMBERS = 3
DATABASE = "ward"

# What makes influxd start in a blink and stay quiet: no reporting, no _internal database, no
# background services but retention (the station's policies delete old points), warnings only.
INFLUXD_CONF = """\
reporting-disabled = true
bind-address = "{address}:{rpc_port}"
[meta]
  dir = "{folder}/meta"
  logging-enabled = false
[data]
  dir = "{folder}/data"
  wal-dir = "{folder}/wal"
  query-log-enabled = false
[coordinator]
  log-queries-after = "0s"
[retention]
  enabled = {retention}
[shard-precreation]
  enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[http]
  bind-address = "{address}:{http_port}"
  auth-enabled = {auth}
  log-enabled = false
  pprof-enabled = false
  max-row-limit = {max_rows}
[logging]
  level = "warn"
  suppress-logo = true
"""


def influxd_config(folder: Path, http_port: int, rpc_port: int, *, auth: bool = False,
                   retention: bool = True, max_rows: int = 0) -> str:
    """influxd's config file for a server in `folder` on loopback (max_rows 0: no limit)."""
    return INFLUXD_CONF.format(address=LOOPBACK, rpc_port=rpc_port, http_port=http_port,
                               folder=folder, auth=str(auth).lower(),
                               retention=str(retention).lower(), max_rows=max_rows)


def mongo_nodes(lab_dir: Path) -> tuple[list[LabNode], str | None]:
    """The MongoDB nodes (not started) and a note to say, or ([], why) when there is none."""
    mongod = find_program("mongod")
    if mongod is not None:
        ports = [free_port() for _ in range(MEMBERS)]
        return [_mongod(lab_dir, mongod, index, port) for index, port in
                enumerate(ports, start=1)], None
    nx = find_program("nx-27017")
    if nx is None:
        return [], ("MongoDB: skipped (no mongod on PATH and no nx-27017: "
                    "pip install -e '.[lab]' in the clone, or pip install nx-27017)")
    folder, port = lab_dir / "mongo-1", free_port()
    argv = [nx, "--host", LOOPBACK, "-p", str(port), "--data-dir", str(folder / "data"),
            "--log-file", str(folder / "nx.log"), "--pid-file", str(folder / "nx.pid")]
    node = LabNode("mongo-1", "patients", "tcp", LOOPBACK, port, folder, argv,
                   role="nx-27017, one node")
    return [node], ("MongoDB: one nx-27017 node (no mongod on PATH): records are kept, but "
                    "there is no replica set, so no primary to lose")


def mongo_url(nodes: list[LabNode]) -> str:
    hosts = ",".join(f"{n.address}:{n.port}" for n in nodes)
    options = f"replicaSet={REPLICA_SET}&" if any(n.kind == "mongod" for n in nodes) else ""
    return f"mongodb://{hosts}/{DATABASE}?{options}insecure=true"


def replica_set_config(nodes: list[LabNode]) -> dict:
    """What `replSetInitiate` is given for the mongod members."""
    return {"_id": REPLICA_SET, "members": [
        {"_id": index, "host": f"{n.address}:{n.port}"} for index, n in enumerate(nodes)]}


def _mongod(lab_dir: Path, program: str, index: int, port: int) -> LabNode:
    folder = lab_dir / f"mongo-{index}"
    (folder / "data").mkdir(parents=True, exist_ok=True)
    argv = [program, "--replSet", REPLICA_SET, "--bind_ip", LOOPBACK, "--port", str(port),
            "--dbpath", str(folder / "data"), "--oplogSize", "64",
            "--wiredTigerCacheSizeGB", "0.25"]  # set: unset, each takes half the memory
    return LabNode(f"mongo-{index}", "patients", "mongod", LOOPBACK, port, folder, argv,
                   role="replica set member")


def influx_node(lab_dir: Path) -> tuple[LabNode | None, str | None]:
    influxd = find_program("influxd", Path("/usr/bin/influxd"))
    if influxd is None:
        return None, "InfluxDB: skipped (no influxd: install the Debian package influxdb)"
    folder, port = lab_dir / "influxdb", free_port()
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "influxdb.conf"
    conf.write_text(influxd_config(folder, port, free_port()), encoding="utf-8")
    return LabNode("influxdb", "vitals", "influx", LOOPBACK, port, folder,
                   [influxd, "-config", str(conf)], role="one node"), None


def influx_url(node: LabNode) -> str:
    return f"influxdb://{node.address}:{node.port}/vitals"
