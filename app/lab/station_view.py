"""What a station running on a lab knows of the lab's processes, for its cluster view: each
node's name and whether its process runs, is frozen (SIGSTOP) or is gone. A station finds its
lab beside its data folder (`lab up` writes `data_dir = DIR/station-data`); on any other
cluster there is none, and the view shows what the servers say alone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from app.lab.state import Lab, LabError

log = logging.getLogger(__name__)

# address ("127.0.0.1:6379") -> (the lab's name for the node, "running" | "frozen" | "down")
LabStates = dict[str, tuple[str, str]]


def lab_states_for(data_dir: Path) -> Callable[[], LabStates]:
    """A function giving the lab's node states now (empty where the station runs on no lab).
    The lab's file is read once; the processes are looked at on every call (cheap: no
    server is asked)."""
    try:
        lab = Lab.load(Path(data_dir).parent)
    except LabError as exc:
        log.warning("the cluster view leaves out the lab's processes: %s", exc)
        lab = None
    if lab is None:
        return dict

    def states() -> LabStates:
        return {f"{node.address}:{node.port}": (node.name, node.state(lab.folder))
                for node in lab.nodes}

    return states
