"""Acting on the lab's servers by name: `kill` (SIGKILL, a crash), `stop` (a clean stop),
`freeze` (SIGSTOP: a hung node that still holds its port), `cut` (a station's link, while its
server runs on: app/lab/links.py), `restore` (continue a frozen one, start a stopped or killed
one again, relay a cut link again); `down` stops them all and removes the lab's folder.
Only ever the lab's own processes (`LabNode.process`)."""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

from app.lab import links, probes
from app.lab.node import LabNode
from app.lab.state import Lab, LabError

Say = Callable[[str], None]
STOP_S = 15.0  # a clean stop this long, then SIGKILL
RESTORE_S = 60.0


def load(folder: Path) -> Lab:
    lab = Lab.load(folder)
    if lab is None:
        raise LabError(f"no lab in {folder} (`ward-station lab up --dir {folder}` starts one)")
    return lab


def kill(lab: Lab, name: str, say: Say) -> None:
    node = lab.node(name)
    if not node.signal(lab.folder, signal.SIGKILL):
        raise LabError(f"{name} is not running")
    _wait_down(lab, [node], STOP_S)
    say(f"{name} killed (SIGKILL, pid {node.pid})")


def stop(lab: Lab, name: str, say: Say) -> None:
    node = lab.node(name)
    if node.state(lab.folder) == "down":
        raise LabError(f"{name} is not running")
    _stop_nodes(lab, [node])
    say(f"{name} stopped")


def freeze(lab: Lab, name: str, say: Say) -> None:
    node = lab.node(name)
    if not node.signal(lab.folder, signal.SIGSTOP):
        raise LabError(f"{name} is not running")
    _wait_until(lambda: node.state(lab.folder) != "running", STOP_S)  # stopped, not yet told
    say(f"{name} frozen (SIGSTOP): it holds its port and answers nothing; "
        f"`ward-station lab restore {name}` continues it")


def cut(lab: Lab, name: str, say: Say) -> None:
    links.cut(lab, lab.node(name), say)


def restore(lab: Lab, name: str, say: Say) -> None:
    node = lab.node(name)
    state = node.state(lab.folder)
    if state == "frozen":
        node.signal(lab.folder, signal.SIGCONT)
        say(f"{name} continues (SIGCONT)")
        return
    if state == "running" and node.kind == links.KIND and links.link_state(node) == links.CUT:
        links.reconnect(lab, node, say)
        return
    if state == "running":
        say(f"{name} is running already")
        return
    node.start()
    lab.save()
    _wait_answers(lab, node)
    say(f"{name} started again (pid {node.pid}) and answers")


def stop_all(lab: Lab, say: Say) -> None:
    """Sentinels first (else they fail over a master that is only stopping), then the rest."""
    running = [node for node in lab.nodes if node.state(lab.folder) != "down"]
    _stop_nodes(lab, [node for node in running if node.kind == "sentinel"])
    _stop_nodes(lab, [node for node in running if node.kind != "sentinel"])
    if running:
        say(f"stopped {len(running)} server(s)")


def down(lab: Lab, say: Say) -> None:
    stop_all(lab, say)
    shutil.rmtree(lab.folder)
    say(f"removed {lab.folder}")


def _stop_nodes(lab: Lab, nodes: list[LabNode]) -> None:
    """SIGTERM to each (a frozen one is continued first, or it could not stop), then SIGKILL
    to those still running after STOP_S."""
    for node in nodes:
        node.signal(lab.folder, signal.SIGCONT)
        node.signal(lab.folder, signal.SIGTERM)
    if not _wait_down(lab, nodes, STOP_S):
        for node in nodes:
            node.signal(lab.folder, signal.SIGKILL)
        _wait_down(lab, nodes, STOP_S)


def _wait_down(lab: Lab, nodes: list[LabNode], timeout_s: float) -> bool:
    """Whether all of `nodes` ended within `timeout_s`."""
    return _wait_until(lambda: all(node.state(lab.folder) == "down" for node in nodes),
                       timeout_s)


def _wait_until(done: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _wait_answers(lab: Lab, node: LabNode) -> None:
    secrets = lab.secrets()
    deadline = time.monotonic() + RESTORE_S
    while not probes.answers(node, secrets):
        if node.state(lab.folder) == "down":
            raise LabError(f"{node.name} exited at start; {node.log_tail()}")
        if time.monotonic() > deadline:
            raise LabError(f"{node.name} did not answer within {RESTORE_S:.0f} s; "
                           f"{node.log_tail()}")
        time.sleep(0.1)


ACTIONS = {"kill": kill, "stop": stop, "freeze": freeze, "cut": cut, "restore": restore}
