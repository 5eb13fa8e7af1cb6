"""What a station running on a lab knows of the lab's processes, for its cluster view: each
node's name and whether its process runs, is frozen (SIGSTOP) or is gone. A station finds its
lab beside its data folder (`lab up` writes `data_dir = DIR/station-data`); on any other
cluster there is none, and the view shows what the servers say alone. The lab's folder is also
where a drill's events are (`app/feeds/drill.py` reads them)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from app.lab.state import STATE, Lab, LabError

log = logging.getLogger(__name__)

# address ("127.0.0.1:6379") -> (the lab's name for the node, "running" | "frozen" | "down")
LabStates = dict[str, tuple[str, str]]


def lab_folder_for(data_dir: Path) -> Path | None:
    """The lab the station runs on (where a drill writes its events), or None."""
    folder = Path(data_dir).parent
    return folder if (folder / STATE).is_file() else None


def lab_states_for(data_dir: Path) -> Callable[[], LabStates]:
    """A function giving the lab's node states now (empty where the station runs on no lab)."""
    return _LabFile(Path(data_dir).parent).states


class _LabFile:
    """The lab's file, read again when it changes (`lab restore` records a new process); its
    processes looked at on every call (cheap: no server is asked)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._stamp: int | None = None
        self._lab: Lab | None = None

    def states(self) -> LabStates:
        lab = self._current()
        if lab is None:
            return {}
        return {f"{node.address}:{node.port}": (node.name, node.state(lab.folder))
                for node in lab.nodes}

    def _current(self) -> Lab | None:
        try:
            stamp = (self._folder / STATE).stat().st_mtime_ns
        except OSError:
            return None  # no lab here (or no longer)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._lab = Lab.load(self._folder)
            except LabError as exc:
                log.warning("the cluster view leaves out the lab's processes: %s", exc)
                self._lab = None
        return self._lab
