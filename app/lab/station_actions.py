"""A station's actions on its lab's nodes (the Cluster tab's kill, stop, freeze, restore and
cut), as `ward-station lab ACTION NAME` runs them: only on a node of the lab this station runs
on (found beside its data folder, as its view finds it), never on any other cluster's.

`refusal` answers at once, without touching a process; `run` blocks while the lab waits for
the process (a stop takes up to 15 s, a restore until the server answers), so a window calls
it off its UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.lab import control
from app.lab.state import Lab, LabError

@dataclass(frozen=True)
class Outcome:
    ok: bool
    text: str  # what the lab said it did, or why it did not


class StationLabActions:
    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir).parent  # `lab up` puts the station's data in LAB/

    def refusal(self, name: str, action: str) -> str | None:
        """Why this station may not do `action` on `name`; None when it may."""
        if action not in control.ACTIONS:
            return f"{action!r} is not a lab action ({', '.join(control.ACTIONS)})"
        try:
            lab = Lab.load(self.folder)
        except LabError as exc:
            return str(exc)
        if lab is None:
            return (f"{name} is not a node of this station's lab: this station runs on no lab, "
                    "and acts on no other cluster")
        if name not in {node.name for node in lab.nodes}:
            return f"{name} is not a node of this station's lab ({self.folder})"
        return None

    def run(self, name: str, action: str) -> Outcome:
        """Check, then act, reading the lab afresh (a terminal may have restarted a node)."""
        refused = self.refusal(name, action)
        if refused is not None:
            return Outcome(False, refused)
        said: list[str] = []
        try:
            lab = control.load(self.folder)
            control.ACTIONS[action](lab, name, said.append)
        except (LabError, OSError) as exc:
            return Outcome(False, str(exc))
        return Outcome(True, "; ".join(said) or f"{name}: {action} done")
