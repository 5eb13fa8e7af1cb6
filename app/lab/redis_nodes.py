"""The lab's Redis: a master, two replicas and three Sentinels watching them as "mymaster",
with failover timings for a demonstration (a master silent for 2 s is down; a failover within
a few seconds more). One password for all, generated, kept in each server's own config file
(readable by its owner alone), never on a command line another user's `ps` would show."""

from __future__ import annotations

import secrets
from pathlib import Path

from app.lab.node import LabNode
from app.lab.ports import LOOPBACK, free_port

MASTER_NAME = "mymaster"
SECRET = "WARD_STATION_ALERTS_PASSWORD"
DOWN_AFTER_MS = 2000
FAILOVER_TIMEOUT_MS = 6000
REPLICAS = 2
SENTINELS = 3

SERVER_CONF = """port {port}
bind {address}
dir {dir}
save ""
appendonly yes
appendfsync everysec
protected-mode no
repl-diskless-sync-delay 0
# a master stopped with SIGTERM waits this long (not 10 s) for its replicas to catch up
shutdown-timeout 2
requirepass {secret}
masterauth {secret}
"""
SENTINEL_CONF = """port {port}
bind {address}
dir {dir}
requirepass {secret}
sentinel sentinel-pass {secret}
sentinel resolve-hostnames no
sentinel myid {myid}
sentinel monitor {name} {address} {master} 2
sentinel auth-pass {name} {secret}
sentinel down-after-milliseconds {name} {down_after}
sentinel failover-timeout {name} {failover_timeout}
sentinel parallel-syncs {name} 1
"""


def redis_nodes(lab_dir: Path, program: str, secret: str) -> list[LabNode]:
    """redis-1 (master), redis-2 and redis-3 (its replicas), sentinel-1..3, their config files
    written; not started."""
    ports = [free_port() for _ in range(1 + REPLICAS)]
    nodes = [_server(lab_dir, program, secret, index, port, ports[0])
             for index, port in enumerate(ports, start=1)]
    # Each Sentinel told of the replicas and the other Sentinels (what it would learn in its
    # first 10 s): a master killed right after `up` is failed over all the same.
    sentinels = [(free_port(), secrets.token_hex(20)) for _ in range(SENTINELS)]
    known = [f"sentinel known-replica {MASTER_NAME} {LOOPBACK} {port}" for port in ports[1:]]
    for index, (port, myid) in enumerate(sentinels, start=1):
        others = [f"sentinel known-sentinel {MASTER_NAME} {LOOPBACK} {p} {i}"
                  for p, i in sentinels if i != myid]
        nodes.append(_sentinel(lab_dir, program, secret, index, ports[0], port, myid,
                               known + others))
    return nodes


def sentinel_url(nodes: list[LabNode]) -> str:
    hosts = ",".join(f"{n.address}:{n.port}" for n in nodes if n.kind == "sentinel")
    # loopback without TLS: the password goes in plain, which the station allows only when told
    return f"redis+sentinel://{hosts}/{MASTER_NAME}/0?insecure=true"


def _server(lab_dir: Path, program: str, secret: str, index: int, port: int,
            master_port: int) -> LabNode:
    folder = lab_dir / f"redis-{index}"
    text = SERVER_CONF.format(port=port, address=LOOPBACK, dir=folder, secret=secret)
    role = "master"
    if port != master_port:
        text += f"replicaof {LOOPBACK} {master_port}\n"
        role = "replica"
    conf = write_private(folder / "redis.conf", text)
    return LabNode(f"redis-{index}", "alerts", "redis", LOOPBACK, port, folder,
                   [program, str(conf)], role=role, extra={"secret": SECRET})


def _sentinel(lab_dir: Path, program: str, secret: str, index: int, master_port: int,
              port: int, myid: str, known: list[str]) -> LabNode:
    folder = lab_dir / f"sentinel-{index}"
    text = SENTINEL_CONF.format(port=port, address=LOOPBACK, dir=folder, secret=secret,
                                name=MASTER_NAME, master=master_port, myid=myid,
                                down_after=DOWN_AFTER_MS, failover_timeout=FAILOVER_TIMEOUT_MS)
    text += "".join(line + "\n" for line in known)
    conf = write_private(folder / "sentinel.conf", text)  # Sentinel rewrites it as it learns
    return LabNode(f"sentinel-{index}", "alerts", "sentinel", LOOPBACK, port, folder,
                   [program, str(conf), "--sentinel"], role="sentinel",
                   extra={"secret": SECRET, "master": MASTER_NAME,
                          "sentinels": str(SENTINELS), "replicas": str(REPLICAS)})


def write_private(path: Path, text: str) -> Path:
    """Write `text` to `path`, readable and writable by its owner alone, from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")
    return path
