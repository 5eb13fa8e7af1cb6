"""A benchmark's figures as lines a person reads, and as one JSON object on the last line."""

from __future__ import annotations

import json
from collections.abc import Callable

Say = Callable[[str], None]


def report_figures(figures: dict, as_json: bool, say: Say = print) -> None:
    width = max(len(name) for name in figures)
    for name, value in figures.items():
        say(f"  {name:<{width}}  {_text(value)}")
    if as_json:
        say(json.dumps(figures, separators=(",", ":")))


def _text(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.6g}" if isinstance(value, float) else str(value)
