"""A drill's verdict from its figures: "nothing lost", or exactly what was lost (and which, where
the figures name them), or that it could not be proven; a target missed is said beside it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

NOTHING_LOST = "nothing lost"


@dataclass(frozen=True)
class Loss:
    key: str  # a count among the figures: anything but 0 is a loss
    what: str  # what the count is of, after the number ("write(s) never delivered")
    which: str = ""  # a figure naming them, said in brackets when it says something


def refused(what: str) -> Loss:
    """Writes the store refused on delivery: kept in the outbox, refused, for people to see."""
    return Loss("writes_refused", f"{what} refused on delivery (kept, refused, in the outbox)")


def verdict(found: dict[str, Any], losses: Iterable[Loss], late: Iterable[str] = ()) -> str:
    """"nothing lost" (with the targets missed, if any), "LOST: ..." naming each loss, or "NOT
    PROVEN: ..." when the drill could not check (`found["unchecked"]` says why)."""
    late = list(late)
    lost = [_said(found, loss) for loss in losses if found.get(loss.key)]
    if lost:
        return "LOST: " + "; ".join(lost + late)
    if found.get("unchecked"):
        return f"NOT PROVEN: {found['unchecked']}"
    return NOTHING_LOST + (f" ({'; '.join(late)})" if late else "")


def passed(text: str) -> bool:
    """Whether a verdict says nothing was lost (the exit code's 0)."""
    return text.startswith(NOTHING_LOST)


def _said(found: dict[str, Any], loss: Loss) -> str:
    which = found.get(loss.which) if loss.which else None
    return f"{found[loss.key]} {loss.what}" + (f" ({which})" if which else "")
