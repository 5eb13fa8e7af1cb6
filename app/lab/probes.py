"""Asking a lab server whether it answers, and what it is now (a Redis master may be a replica
after a failover; a MongoDB primary a secondary), by the kind of server it is."""

from __future__ import annotations

import urllib.error
import urllib.request

from app.lab import links
from app.lab.node import LabNode
from app.lab.ports import port_open

TIMEOUT_S = 1.0


def answers(node: LabNode, secrets: dict[str, str]) -> bool:
    """Whether the server answers its own protocol now."""
    try:
        return _ANSWERS.get(node.kind, _port_open)(node, secrets)
    except Exception:  # noqa: BLE001 - a server half up answers with anything: not ready
        return False


def in_step(node: LabNode, secrets: dict[str, str]) -> bool:
    """For a Redis server started as a replica: whether it is linked to its master (or is a
    master now). A lab whose master is killed before that has no replica in step to promote,
    and a trainer's first drill would show no failover. Every other server: True."""
    if node.kind != "redis" or node.role != "replica":
        return True
    try:
        with _redis(node, secrets) as client:
            info = client.info("replication")
    except Exception:  # noqa: BLE001 - as in `answers`
        return False
    return info.get("role") == "master" or info.get("master_link_status") == "up"


def role_now(node: LabNode, secrets: dict[str, str]) -> str:
    """What the server says it is now ("master", "replica of 127.0.0.1:6380"...); its role as
    started where it cannot say; "-" when it does not answer."""
    try:
        ask = _ROLES.get(node.kind)
        return ask(node, secrets) if ask else node.role
    except Exception:  # noqa: BLE001 - as above
        return "-"


def _port_open(node: LabNode, _secrets: dict[str, str]) -> bool:
    return port_open(node.address, node.port, TIMEOUT_S)


def _redis(node: LabNode, secrets: dict[str, str]):
    import redis

    return redis.Redis(host=node.address, port=node.port, password=secrets.get(
        node.extra.get("secret", "")), socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)


def _redis_answers(node: LabNode, secrets: dict[str, str]) -> bool:
    with _redis(node, secrets) as client:
        return bool(client.ping())


def _redis_role(node: LabNode, secrets: dict[str, str]) -> str:
    with _redis(node, secrets) as client:
        info = client.info("replication")
    if info.get("role") == "master":
        return f"master, {info.get('connected_slaves', 0)} replica(s)"
    link = info.get("master_link_status", "?")
    return f"replica of {info.get('master_host')}:{info.get('master_port')} (link {link})"


def _sentinel_answers(node: LabNode, secrets: dict[str, str]) -> bool:
    """Ready once it knows the other Sentinels and every replica: a master killed before that
    would never be failed over (a Sentinel promotes only a replica it knows)."""
    with _redis(node, secrets) as client:
        name = node.extra.get("master", "mymaster")
        state = client.sentinel_master(name)
        replicas = client.sentinel_slaves(name)
    wanted = int(node.extra.get("sentinels", "1")) - 1, int(node.extra.get("replicas", "0"))
    known = sum(1 for replica in replicas if not replica.get("is_sdown"))
    return int(state.get("num-other-sentinels", 0)) >= wanted[0] and known >= wanted[1]


def _sentinel_role(node: LabNode, secrets: dict[str, str]) -> str:
    with _redis(node, secrets) as client:
        host, port = client.sentinel_get_master_addr_by_name(node.extra.get("master", "mymaster"))
    host = host.decode() if isinstance(host, bytes) else host
    return f"sentinel, master at {host}:{port}"


def _influx_answers(node: LabNode, _secrets: dict[str, str]) -> bool:
    url = f"http://{node.address}:{node.port}/ping"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:  # noqa: S310 - loopback
            return answer.status == 204
    except (OSError, urllib.error.URLError):
        return False


def _mongod(node: LabNode):
    import pymongo

    return pymongo.MongoClient(node.address, node.port, directConnection=True,
                               serverSelectionTimeoutMS=int(TIMEOUT_S * 1000))


def _mongod_answers(node: LabNode, _secrets: dict[str, str]) -> bool:
    with _mongod(node) as client:
        return bool(client.admin.command("ping").get("ok"))


def _mongod_role(node: LabNode, _secrets: dict[str, str]) -> str:
    with _mongod(node) as client:
        hello = client.admin.command("hello")
    if hello.get("isWritablePrimary"):
        return "primary"
    return "secondary" if hello.get("secondary") else "starting"


def _bolt_answers(node: LabNode, _secrets: dict[str, str]) -> bool:
    from app.lab.neo4j_server import bolt_answers

    return bolt_answers(node.address, node.port)


def _cql_answers(node: LabNode, _secrets: dict[str, str]) -> bool:
    from app.lab.cassandra_node import cql_answers

    return cql_answers(node.address, node.port)


_ANSWERS = {"redis": _redis_answers, "sentinel": _sentinel_answers, "influx": _influx_answers,
            "mongod": _mongod_answers, "neo4j": _bolt_answers, "cassandra": _cql_answers}
_ROLES = {"redis": _redis_role, "sentinel": _sentinel_role, "mongod": _mongod_role,
          links.KIND: lambda node, _secrets: links.link_role(node)}
