"""The lab's folder and what it remembers between commands: its servers (`lab.json`), the
station's config pointing at them (`station.toml`) and the secrets it generated
(`station.secrets`, readable by its owner alone)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from app import paths
from app.lab.node import LabNode
from app.secrets_file import read_secrets_file

STATE = "lab.json"
CONFIG = "station.toml"
SECRETS = "station.secrets"


class LabError(Exception):
    """A lab command cannot do what was asked; the message says why and what to do."""


def default_lab_dir() -> Path:
    return paths.default_data_dir() / "lab"


@dataclass
class Lab:
    folder: Path
    nodes: list[LabNode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what up said about what it left out

    @classmethod
    def load(cls, folder: Path) -> Lab | None:
        """The lab in `folder`, or None if there is none. Raises LabError if its state file
        cannot be read."""
        path = folder / STATE
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            nodes = [LabNode.from_json(node) for node in data["nodes"]]
            return cls(folder, nodes, list(data.get("notes", [])))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LabError(f"{path} cannot be read ({type(exc).__name__}): remove {folder} "
                           f"by hand if no lab server still runs from it") from None

    def save(self) -> None:
        data = {"nodes": [node.to_json() for node in self.nodes], "notes": self.notes}
        (self.folder / STATE).write_text(json.dumps(data, indent=1), encoding="utf-8")

    def node(self, name: str) -> LabNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise LabError(f"no server {name!r} in the lab at {self.folder} (its servers: "
                       f"{', '.join(n.name for n in self.nodes) or 'none'})")

    def secrets(self) -> dict[str, str]:
        path = self.folder / SECRETS
        return read_secrets_file(path) if path.exists() else {}


def new_secret() -> str:
    return secrets.token_urlsafe(24)
