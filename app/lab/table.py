"""The lab's servers as a table: store, node, role (as the server says it now), address, pid,
state and memory."""

from __future__ import annotations

from collections.abc import Callable

from app.lab import probes
from app.lab.state import Lab

HEADINGS = ("store", "node", "role", "address", "pid", "state", "RSS MB")


def rows(lab: Lab, live: bool = True) -> list[tuple[str, ...]]:
    secrets = lab.secrets()
    found = []
    for node in lab.nodes:
        state = node.state(lab.folder)
        role = node.role
        if live and state == "running":
            role = probes.role_now(node, secrets)
        rss = node.rss_mb(lab.folder)
        found.append((node.store, node.name, role, f"{node.address}:{node.port}",
                      str(node.pid or "-") if state != "down" else "-", state,
                      f"{rss:.0f}" if rss is not None else "-"))
    return found


def show(lab: Lab, say: Callable[[str], None], live: bool = True) -> None:
    table = [HEADINGS, *rows(lab, live)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADINGS))]
    for row in table:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    for note in lab.notes:
        say(note)
