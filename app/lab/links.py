"""The station's links in the lab: a relay (app/lab/relay.py) between the station and each
store's server it reaches at one address, which `lab cut` cuts while the server runs on.

`lab up` starts one for InfluxDB (vitals), a single nx-27017 (patients) and Neo4j (network,
reached over bolt://), and writes the station's config with their addresses. Not for the others:
the Sentinels hand the station the Redis master's own address, the Cassandra driver learns
every node's address from the cluster, and a MongoDB replica set names its members to the
driver; a relay in front of those would be bypassed, so cutting it would prove nothing.
"""

from __future__ import annotations

import signal
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from app.lab.node import LabNode
from app.lab.ports import LOOPBACK, free_port
from app.lab.relay import CUT, RELAYING, STATE_FILE, read_state
from app.lab.state import Lab, LabError

KIND = "relay"
LINKED = {"influx": "vitals", "tcp": "patients", "neo4j": "network"}  # server kind -> store
SCHEMES = {"network": "bolt"}  # neo4j:// would route to the address the server advertises
CHANGE_S = 5.0  # the relay changes within milliseconds; longer is a relay that is stuck
Say = Callable[[str], None]


def link_name(store: str) -> str:
    return f"link-{store}"


def start_links(lab: Lab, urls: dict[str, str]) -> dict[str, str]:
    """A relay started for each of the lab's servers a station reaches through one, added to
    `lab.nodes`; the station's URLs with those stores pointing at their relay."""
    linked = dict(urls)
    for target in list(lab.nodes):
        store = LINKED.get(target.kind)
        if store is None or store not in urls:
            continue
        relay = relay_node(lab.folder, target)
        relay.start()
        lab.nodes.append(relay)
        linked[store] = through(urls[store], relay, SCHEMES.get(store))
    return linked


def relay_node(lab_dir: Path, target: LabNode) -> LabNode:
    name = link_name(target.store)
    folder, port = lab_dir / name, free_port()
    argv = [sys.executable, "-m", "app.lab.relay", str(port), target.address, str(target.port),
            str(folder / STATE_FILE)]
    return LabNode(name, target.store, KIND, LOOPBACK, port, folder, argv,
                   role=f"the station's link to {target.name}", extra={"target": target.name})


def through(url: str, relay: LabNode, scheme: str | None = None) -> str:
    """`url` with the relay's address (and `scheme`, if given) in place of the server's."""
    parts = urllib.parse.urlsplit(url)
    return parts._replace(scheme=scheme or parts.scheme,
                          netloc=f"{relay.address}:{relay.port}").geturl()


def link_state(node: LabNode) -> str:
    """"relaying" or "cut" as the relay last wrote it ("" before it wrote anything)."""
    return str(read_state(node.folder / STATE_FILE).get("state", ""))


def link_role(node: LabNode) -> str:
    """What `lab status` says of a relay: whose link it is, and whether it is cut."""
    state = read_state(node.folder / STATE_FILE)
    if state.get("state") != CUT:
        return node.role
    since = time.strftime("%H:%M:%S", time.localtime(float(state.get("at", 0))))
    return f"{node.role}: CUT since {since}"


def cut(lab: Lab, node: LabNode, say: Say) -> None:
    _check(lab, node)
    if link_state(node) == CUT:
        raise LabError(f"{node.name} is cut already (`ward-station lab restore {node.name}` "
                       "relays again)")
    _change(lab, node, signal.SIGUSR1, CUT)
    dropped = read_state(node.folder / STATE_FILE).get("dropped", 0)
    say(f"{node.name} cut: the station's link to {_target(node)} is down ({dropped} "
        f"connection(s) dropped, new ones refused); {_target(node)} itself runs on")


def reconnect(lab: Lab, node: LabNode, say: Say) -> None:
    _check(lab, node)
    _change(lab, node, signal.SIGUSR2, RELAYING)
    say(f"{node.name} relays again: the station reaches {_target(node)}")


def _check(lab: Lab, node: LabNode) -> None:
    if node.kind != KIND:
        links = [n.name for n in lab.nodes if n.kind == KIND]
        raise LabError(f"{node.name} is a server, not a station's link: only a link is cut "
                       f"({', '.join(links) or 'this lab has none'})")
    state = node.state(lab.folder)
    if state != "running":
        raise LabError(f"{node.name} is {state}: `ward-station lab restore {node.name}` first")


def _change(lab: Lab, node: LabNode, number: signal.Signals, wanted: str) -> None:
    """Tell the relay, and wait until it says it is done."""
    if not node.signal(lab.folder, number):
        raise LabError(f"{node.name} is not running")
    deadline = time.monotonic() + CHANGE_S
    while link_state(node) != wanted:
        if time.monotonic() > deadline:
            raise LabError(f"{node.name} did not say {wanted!r} within {CHANGE_S:.0f} s; "
                           f"{node.log_tail()}")
        time.sleep(0.01)


def _target(node: LabNode) -> str:
    return node.extra.get("target", "its server")
