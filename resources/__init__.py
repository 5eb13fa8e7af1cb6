"""Static files the station ships with (theme, icons, demo ward), read through importlib.resources."""

from __future__ import annotations

from importlib import resources


def read_text(name: str) -> str:
    """The text of a resource file shipped in this package, e.g. "theme.qss"."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def theme() -> str:
    """The station's style sheet, with its icon paths pointing at this package's icons."""
    icons = resources.files(__name__).joinpath("icons")
    return read_text("theme.qss").replace("@ICONS@", str(icons).replace("\\", "/"))
