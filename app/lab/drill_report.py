"""A drill as the command line runs it: the figures as a table a class can read, the verdict,
one JSON line with `--json`, and with `--report DIR` DIR/drill-NAME.json and the run's picture,
DIR/drill-NAME.png and .pdf (`drill_picture.py`)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from app.lab.drill import Say, redis_master, verdict
from app.lab.state import Lab

LABELS = {
    "detect_s": "a Sentinel saw the master down (+sdown), s after the kill",
    "odown_s": "the Sentinels agreed it was down (+odown), s",
    "failover_s": "a replica promoted (+switch-master), s",
    "station_resumed_s": "the station shown alarms again, s (target: 5 s after the promotion)",
    "alarms_sent": "alarm versions the simulator was handed",
    "alarms_shown": "of them, shown at the station",
    "alarms_duplicated": "shown twice",
    "alarms_missing": "never shown",
    "alarms_not_on_new_master": "alarms not on the new master as last published",
    "writes_queued": "publishes kept in the outbox while the bus was away",
    "writes_delivered": "of them, delivered",
    "writes_lost": "of them, lost",
    "station_read_again": "times the station had to read the current alarms again",
}


def run_drill(lab: Lab, name: str, as_json: bool, report: Path | None, say: Say) -> int:
    """0 when nothing was lost, 1 otherwise (the verdict says what)."""
    began = time.time()
    found = asyncio.run(redis_master(lab, say))
    found["verdict"] = verdict(found)
    for key, label in LABELS.items():
        value = found[key]
        say(f"  {'-' if value is None else value!s:>8}  {label}")
    if found["bus_said"]:
        say(f"  the alarm bus: {found['bus_said']}")
    say(f"verdict: {found['verdict']}")
    if report is not None:
        report.mkdir(parents=True, exist_ok=True)
        path = report / f"drill-{name}.json"
        path.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        say(f"figures written to {path}")
        from app.lab.drill_picture import run_events, write_pictures  # Qt: for a report only

        for picture in write_pictures(report, name, run_events(lab.folder, began), found):
            say(f"picture written to {picture}")
    if as_json:
        print(json.dumps(found), flush=True)
    return 0 if found["verdict"].startswith("nothing lost") else 1
