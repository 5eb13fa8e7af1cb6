"""A running drill as the cluster view shows it, without Qt: its latest counters in groups a
class can read (alarms, writes, samples, times), its verdict at the end, and whether it still
answers. The events come from the drill's own process (`app/lab/drills/events.py`, read by a
feed); here they are plain records with the fields below."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

STOPPED_AFTER_S = 10.0  # a drill says something about once a second; this long silent, it died
NOTHING_LOST = "nothing lost"
Figure = float | int | str | None


class DrillNote(Protocol):
    """One of a drill's events (the feed gives `app.lab.drills.events.DrillEvent`)."""

    @property
    def at(self) -> float: ...
    @property
    def drill(self) -> str: ...
    @property
    def run(self) -> str: ...
    @property
    def kind(self) -> str: ...  # "start", "step", "counters", "end"
    @property
    def text(self) -> str: ...
    @property
    def figures(self) -> Mapping[str, Figure]: ...
    @property
    def verdict(self) -> str: ...


@dataclass
class DrillRun:
    """One run of a drill, as far as its events have told."""

    drill: str
    run: str
    started: float
    said: str = ""  # what the drill said it would do (its `start`)
    step: str = ""  # the latest thing it did or saw
    figures: dict[str, Figure] = field(default_factory=dict)
    verdict: str | None = None  # set by its `end`
    ended: float | None = None
    last: float = 0.0  # its latest event

    def status(self, now: float) -> str:
        """"ended", "running", or "stopped" (no event for STOPPED_AFTER_S and no end: its
        process may have died)."""
        if self.ended is not None:
            return "ended"
        return "stopped" if now - self.last > STOPPED_AFTER_S else "running"

    @property
    def nothing_lost(self) -> bool:
        return self.verdict is not None and self.verdict.startswith(NOTHING_LOST)


def follow(current: DrillRun | None, event: DrillNote) -> DrillRun:
    """The run after `event`: a new run (another `run` id) replaces the old one."""
    run = current
    if run is None or event.run != run.run:
        run = DrillRun(event.drill, event.run, event.at)
    run.last = max(run.last, event.at)
    if event.kind == "start":
        run.started, run.said = event.at, event.text
    elif event.kind == "step":
        run.step = event.text
    elif event.kind == "counters" and run.ended is None:
        run.figures = dict(event.figures)
    elif event.kind == "end":
        run.figures = dict(event.figures) or run.figures
        run.verdict = event.verdict or "the drill ended without a verdict"
        run.ended = event.at
    return run


def timeline_text(event: DrillNote) -> tuple[str, bool] | None:
    """What the timeline says of `event` (and whether it is a loss), or None (counters)."""
    if event.kind == "start":
        return f"{event.drill} started" + (f": {event.text}" if event.text else ""), False
    if event.kind == "step":
        return event.text, False
    if event.kind == "end":
        verdict = event.verdict or "no verdict"
        return f"{event.drill} ended: {verdict}", not verdict.startswith(NOTHING_LOST)
    return None


# -- the counters, in groups -----------------------------------------------------------------

KINDS = {"alarms": "Alarms", "writes": "Writes", "samples": "Samples"}
STORES = ("alerts", "patients", "vitals", "network", "analytics")
# readable labels of the keys the drills give; any other key is shown by its own words
LABELS = {
    "alarms_sent": "sent", "alarms_shown": "shown", "alarms_duplicated": "duplicated",
    "alarms_missing": "missing", "alarms_not_on_new_master": "not on new master",
    "writes_made": "made", "writes_queued": "queued", "writes_delivered": "delivered",
    "writes_refused": "refused", "writes_lost": "lost",
    "samples_written": "written", "samples_found": "found again",
    "samples_found_again": "found again", "samples_missing": "missing",
    "detect_s": "detected", "odown_s": "agreed down", "failover_s": "failed over",
    "station_resumed_s": "station resumed", "station_read_again": "station read alarms again",
}
# while a drill runs, a version on its way is not lost yet: its count goes back down as it
# arrives, and only the end's is a loss
WHILE_RUNNING = {"alarms_missing": "not shown yet"}
LOSS_WORDS = {"missing", "duplicated", "lost", "refused", "not"}
LEFT_OUT = {"drill", "verdict"}  # said elsewhere on the panel
TIMES = "Seconds"
OTHER = "Other"
NOTES = "Notes"


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    tone: str  # "plain", "good" (no loss), "warn" (a loss so far), "bad" (a loss at the end)


@dataclass(frozen=True)
class CellGroup:
    title: str
    cells: tuple[Cell, ...]

    @property
    def notes(self) -> bool:
        """Text rather than figures: a line each, not a cell."""
        return self.title == NOTES


def cell_groups(figures: Mapping[str, Figure], final: bool) -> list[CellGroup]:
    """Every figure of the drill, grouped: alarms, writes (per store where the key names one),
    samples, times, others, and text last."""
    groups: dict[str, list[Cell]] = {}
    for key, value in figures.items():
        if key in LEFT_OUT:
            continue
        title, label = _place(key, value)
        label = label if final else WHILE_RUNNING.get(key, label)
        groups.setdefault(title, []).append(Cell(label, _value(key, value),
                                                 _tone(key, value, final)))
    return [CellGroup(title, tuple(groups[title])) for title in sorted(groups, key=_rank)]


def figure_label(key: str) -> str:
    """A figure's name in a few words, its group's with it ("alarms shown")."""
    title, label = _place(key, 0)
    return label if title in (TIMES, OTHER) else f"{title.lower()} {label}"


def _place(key: str, value: Figure) -> tuple[str, str]:
    words = key.split("_")
    if isinstance(value, str):
        return NOTES, " ".join(words)
    kind = next((w for w in words if w in KINDS), None)
    if kind is not None:
        store = next((w for w in words if w in STORES), None)
        rest = [w for w in words if w not in (kind, store)]
        label = LABELS.get(f"{kind}_{'_'.join(rest)}") or " ".join(rest) or kind
        return KINDS[kind] + (f" \u00b7 {store}" if store else ""), label
    if key.endswith("_s"):
        return TIMES, LABELS.get(key, " ".join(words[:-1]))
    return OTHER, LABELS.get(key, " ".join(words))


def _rank(title: str) -> tuple[int, str]:
    order = [*KINDS.values(), TIMES, OTHER, NOTES]
    first = title.split(" \u00b7 ")[0]
    return (order.index(first) if first in order else len(order), title)


def _value(key: str, value: Figure) -> str:
    if value is None:
        return "\u2013"
    if isinstance(value, float):
        return f"{value:.1f}" + (" s" if key.endswith("_s") else "")
    return f"{value}" + (" s" if key.endswith("_s") and not isinstance(value, str) else "")


def _tone(key: str, value: Figure, final: bool) -> str:
    if isinstance(value, str) or not LOSS_WORDS & set(key.split("_")):
        return "plain"
    if not value:
        return "good"
    return "bad" if final else "warn"
