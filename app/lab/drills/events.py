"""How a running drill reaches a station window: an append-only file of events in the lab's
folder (`LAB/drill/events.jsonl`, one JSON object a line), written by the drill's process and
read, a line at a time, by every station on the lab.

A drill and a station are separate processes and either may start, stop or crash at any time, so
the file is the whole protocol: the drill appends and flushes each event as it happens; a reader
remembers how far it read and picks up only new lines, starts again from the top when the file
was replaced (a new drill), and keeps a partial last line for its next read. What it reads is
treated as untrusted: a line that is not an event is skipped and counted, never shown.

Events (`kind`):
- `start`: a drill began (`text` says what it will do);
- `step`: the drill did something (killed a node, restored it) or saw something (a Sentinel's
  `+switch-master`, the station shown alarms again);
- `counters`: the running counts, about once a second (`figures`: the drill's figure keys so
  far, such as `alarms_sent`, `alarms_shown`, `alarms_missing`, `writes_queued`);
- `end`: the drill's figures and its `verdict` ("nothing lost" or what was lost and why).
"""

from __future__ import annotations

import json
import math
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

FOLDER = "drill"
EVENTS = "events.jsonl"
KINDS = ("start", "step", "counters", "end")
MAX_LINE = 64 * 1024  # a longer line is no event of ours
MAX_TEXT = 500
MAX_FIGURES = 64
MAX_READ = 1024 * 1024  # read at most this much a call: a huge file never stalls a window


@dataclass(frozen=True)
class DrillEvent:
    at: float  # seconds since the epoch
    drill: str  # "redis-master", ...
    run: str  # one drill's run, so a reader tells two runs of the same drill apart
    kind: str
    text: str = ""
    figures: dict[str, float | int | str | None] = field(default_factory=dict)
    verdict: str = ""

    def to_json(self) -> str:
        data: dict[str, Any] = {"at": self.at, "drill": self.drill, "run": self.run,
                                "kind": self.kind, "text": self.text}
        if self.figures:
            data["figures"] = self.figures
        if self.verdict:
            data["verdict"] = self.verdict
        return json.dumps(data, separators=(",", ":"))


def events_path(lab_folder: Path) -> Path:
    return lab_folder / FOLDER / EVENTS


class DrillLog:
    """A drill's side: a new events file for this run (the last run's is replaced), each event
    appended and flushed as it happens."""

    def __init__(self, lab_folder: Path, drill: str, clock: Any = time.time) -> None:
        self.drill, self.run = drill, uuid.uuid4().hex[:12]
        self._clock = clock
        path = events_path(lab_folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_suffix(".new")
        self._file: TextIO = fresh.open("w", encoding="utf-8")
        os.replace(fresh, path)  # a reader sees a new file (another inode), never a mix

    def event(self, kind: str, text: str = "", figures: dict[str, Any] | None = None,
              verdict: str = "") -> DrillEvent:
        if kind not in KINDS:
            raise ValueError(f"unknown drill event kind {kind!r}")
        event = DrillEvent(self._clock(), self.drill, self.run, kind, text[:MAX_TEXT],
                           dict(figures or {}), verdict[:MAX_TEXT])
        self._file.write(event.to_json() + "\n")
        self._file.flush()
        return event

    def close(self) -> None:
        self._file.close()


class DrillEventReader:
    """A station's side: `read()` gives the events appended since its last call."""

    def __init__(self, lab_folder: Path) -> None:
        self.path = events_path(lab_folder)
        self.skipped = 0  # lines that were not events
        self._inode: int | None = None
        self._offset = 0
        self._partial = b""

    def read(self, limit: int = MAX_READ) -> list[DrillEvent]:
        """At most `limit` bytes further on (the rest at the next call)."""
        try:
            with self.path.open("rb") as file:
                stat = os.fstat(file.fileno())
                if stat.st_ino != self._inode or stat.st_size < self._offset:
                    self._inode, self._offset, self._partial = stat.st_ino, 0, b""
                file.seek(self._offset)
                chunk = file.read(min(limit, MAX_READ))
        except OSError:
            return []  # no drill has run on this lab (or the file is being replaced)
        self._offset += len(chunk)
        lines = (self._partial + chunk).split(b"\n")
        self._partial = lines.pop()
        if len(self._partial) > MAX_LINE:
            self._partial, self.skipped = b"", self.skipped + 1
        events = [parse(line) for line in lines if line.strip()]
        self.skipped += sum(event is None for event in events)
        return [event for event in events if event is not None]


def parse(line: bytes) -> DrillEvent | None:
    """The event on `line`, or None when it is not one (never raises)."""
    if len(line) > MAX_LINE:
        return None
    try:
        data = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    at, drill, run, kind = (data.get(key) for key in ("at", "drill", "run", "kind"))
    if (not isinstance(at, (int, float)) or isinstance(at, bool) or not math.isfinite(at)
            or kind not in KINDS or not _short(drill) or not _short(run)):
        return None
    text, verdict = data.get("text", ""), data.get("verdict", "")
    figures = _figures(data.get("figures", {}))
    if not isinstance(text, str) or not isinstance(verdict, str) or figures is None:
        return None
    return DrillEvent(float(at), drill, run, kind, text[:MAX_TEXT], figures, verdict[:MAX_TEXT])


def _short(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64


def _figures(value: object) -> dict[str, float | int | str | None] | None:
    if not isinstance(value, dict) or len(value) > MAX_FIGURES:
        return None
    kept: dict[str, float | int | str | None] = {}
    for key, figure in value.items():
        if not _short(key):
            return None
        if isinstance(figure, bool) or not (figure is None or isinstance(figure, (int, float, str))):
            return None
        if isinstance(figure, float) and not math.isfinite(figure):
            return None
        kept[key] = figure[:MAX_TEXT] if isinstance(figure, str) else figure
    return kept
