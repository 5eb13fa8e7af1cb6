"""A drill as the command line runs it: its events told to the window as they happen (start, a
step for each action and each thing seen, counters every second, end), the figures as a table a
class can read, the verdict, one JSON line with `--json`, and with `--report DIR`
DIR/drill-NAME.json and the run's picture, DIR/drill-NAME.png and .pdf (`drills/picture.py`).
The stores' own log lines go to LAB/drill/drill.log, not to the class."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from app.lab.drills.registry import DRILLS, fault_for
from app.lab.drills.events import DrillLog
from app.lab.drills.run import DrillRun, Say
from app.lab.drills.verdict import passed
from app.lab.state import Lab, LabError

# what the drill's stores, their drivers and its simulator log
QUIET_LOGGERS = ("stores", "app.simulator", "app.rollups", "neo4j", "pymongo", "redis")


def run_drill(lab: Lab, name: str, as_json: bool, report: Path | None, say: Say,
              fault: str | None = None, store: str | None = None) -> int:
    """0 when nothing was lost, 1 otherwise (the verdict says what). LabError when the drill
    cannot run here or did not finish (said in the events file too)."""
    spec = DRILLS[name]
    try:
        fault = fault_for(name, fault)
    except ValueError as exc:
        raise LabError(str(exc)) from None
    if store is not None and not spec.stores:
        raise LabError(f"{name} takes no --store (station-link does)")
    module = spec.load()
    ready = getattr(module, "ready", None)
    if ready is not None:
        ready(lab)  # refuses before anything is touched, or the window told of a start
    began = time.time()
    found = asyncio.run(_run(lab, name, fault, module, say, store))
    _show(module.LABELS, found, say)
    if report is not None:
        _report(lab, name, report, found, began, say)
    if as_json:
        print(json.dumps(found), flush=True)
    return 0 if passed(found["verdict"]) else 1


def _report(lab: Lab, name: str, report: Path, found: dict[str, Any], began: float,
            say: Say) -> None:
    report.mkdir(parents=True, exist_ok=True)
    path = report / f"drill-{name}.json"
    path.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    say(f"figures written to {path}")
    from app.lab.drills.picture import run_events, write_pictures  # Qt: for a report only

    for picture in write_pictures(report, name, run_events(lab.folder, began), _scalars(found)):
        say(f"picture written to {picture}")


async def _run(lab: Lab, name: str, fault: str, module: ModuleType, say: Say,
               store: str | None) -> dict[str, Any]:
    log = DrillLog(lab.folder, name)
    try:
        drill = DrillRun(lab, name, fault, say, log, store)
        log.event("start", f"{name}: {DRILLS[name].help} ({fault})")
        counters = asyncio.ensure_future(drill.report_counters())
        try:
            with _stores_log(drill.work / "drill.log"):
                found = await module.run(drill)
        except BaseException as exc:
            drill.undo()
            log.event("end", figures=drill.counters(), verdict=f"not finished: {_why(exc)}")
            raise
        finally:
            counters.cancel()
            await asyncio.gather(counters, return_exceptions=True)
            await drill.close()
        found = {"drill": name, "fault": fault, **found}
        found["verdict"] = module.verdict(found)
        log.event("end", figures=_scalars(found), verdict=found["verdict"])
        return found
    finally:
        log.close()


def _show(labels: dict[str, str], found: dict[str, Any], say: Say) -> None:
    """The figures, numbers first (right-aligned), then what was said in words."""
    for key, label in labels.items():
        value = found.get(key)
        if not isinstance(value, str):
            say(f"  {'-' if value is None else value!s:>8}  {label}")
    for key, label in labels.items():
        if isinstance(found.get(key), str) and found[key]:
            say(f"  {label}: {found[key]}")
    say(f"verdict: {found['verdict']}")


def _scalars(found: dict[str, Any]) -> dict[str, Any]:
    """What the events file carries: numbers, words that say something, and None."""
    return {key: value for key, value in found.items()
            if value is None or value != "" and (isinstance(value, (int, float, str))
                                                 and not isinstance(value, bool))}


def _why(exc: BaseException) -> str:
    if isinstance(exc, (KeyboardInterrupt, asyncio.CancelledError)):
        return "interrupted"
    return str(exc) or type(exc).__name__


@contextlib.contextmanager
def _stores_log(path: Path) -> Iterator[None]:
    """The drill's stores' and simulator's log lines into `path` while it runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
            logger.propagate = True
        handler.close()
