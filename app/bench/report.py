"""A benchmark's figures as lines a person reads (with the targets, where a figure has one), and
as one JSON object on the last line."""

from __future__ import annotations

import json
from collections.abc import Callable

from app.bench.targets import verdict

Say = Callable[[str], None]


def report_figures(figures: dict, as_json: bool, say: Say = print) -> None:
    width = max(len(name) for name in figures)
    texts = {name: _text(value) for name, value in figures.items()}
    value_width = max(len(text) for text in texts.values())
    beds = figures.get("beds")
    for name, text in texts.items():
        target = verdict(name, figures[name], beds if isinstance(beds, int) else 32)
        line = f"  {name:<{width}}  {text:>{value_width}}"
        say(f"{line}   ({target})" if target else line)
    if as_json:
        say(json.dumps(figures, separators=(",", ":")))


def _text(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.6g}" if isinstance(value, float) else str(value)
