"""The lab's scripted drills by name: one line each, naming the module that runs it, what it
does (for `--help`) and the faults it can make. A drill's module is imported only when it runs,
so building the command line imports no driver.

A drill's module holds `async def run(drill: DrillRun) -> dict` (the figures, worked out from
what it recorded: `app/lab/drills/run.py` has the shared steps), `verdict(found) -> str`
("nothing lost", or exactly what was lost) and `LABELS`, the figures a class reads, in order,
with what each means; and, if it cannot run on every lab, `ready(lab)`, which raises
`DrillNeeds` (or LabError) before anything is touched. Adding a drill is its module and one
line in `DRILLS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

FAULTS = ("kill", "stop", "freeze", "stepdown", "cut")  # what `--fault` may name


class DrillNeeds(Exception):
    """The drill needs a server this lab does not have; the message says what to install (the
    lab's exit code for something to install, 2)."""


@dataclass(frozen=True)
class DrillSpec:
    module: str  # "app.lab.drills.redis_master": holds run, verdict, LABELS
    help: str  # one line for `lab drill --help`
    faults: tuple[str, ...] = ("kill", "stop", "freeze")  # the first is the default
    stores: tuple[str, ...] = ()  # what `--store` may name (the first is the default), if any

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


DRILLS: dict[str, DrillSpec] = {
    "redis-master": DrillSpec(
        "app.lab.drills.redis_master", "kill the alarm bus's master while alarms are published at 20 "
        "a second, wait for the Sentinels' promotion, restore it"),
    "mongo-primary": DrillSpec(
        "app.lab.drills.mongo_primary", "kill (or step down) the patient records' primary while "
        "patients are admitted at majority, wait for the election, restore it (needs mongod: "
        "a replica set)", ("kill", "stepdown", "stop", "freeze")),
    "cassandra-node": DrillSpec(
        "app.lab.drills.cassandra_node", "kill (or freeze) cassandra-2 while the station writes "
        "analytics and reads them, wait until the driver marks it down, restore it",
        ("kill", "freeze", "stop")),
    "neo4j": DrillSpec(
        "app.lab.drills.neo4j_down", "stop the care network's Neo4j while care links are written; "
        "they wait in the outbox; start it again", ("stop", "kill", "freeze")),
    "influxdb": DrillSpec(
        "app.lab.drills.influxdb_down", "kill influxd while the simulator writes the ward's vitals, "
        "restore it, and read every sample back per bed"),
    "station-link": DrillSpec(
        "app.lab.drills.station_link", "cut this station's link to a store (--store: vitals, patients or "
        "network) while it writes there, the server running on; restore it and read every "
        "write back", ("cut",), ("vitals", "patients", "network")),
}


def drill_names() -> list[str]:
    return list(DRILLS)


def fault_for(name: str, asked: str | None) -> str:
    """The fault the drill makes: `asked`, or the drill's default; ValueError saying which it
    takes when it cannot make `asked`."""
    faults = DRILLS[name].faults
    if asked is None:
        return faults[0]
    if asked not in faults:
        raise ValueError(f"{name} takes --fault {', '.join(faults[:-1])} or {faults[-1]}")
    return asked
