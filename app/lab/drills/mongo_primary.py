"""`ward-station lab drill mongo-primary`: the patient records' primary killed (or stepped
down, stopped, frozen) while the station admits five patients a second at write concern
majority; the members elect another primary, and no admission acknowledged is lost.

Only where the lab runs a `mongod` replica set: on one nx-27017 server there is no primary to
lose, and the drill says so and what to install (exit code 2). Not run on the machine it was
written on (no mongod there): its steps follow the other drills', which were.

The drill's patients are its own (region and ward "drill", `drill-RUN-N`), read back one by one
at the end (read concern majority): an admission taken or kept and not found is lost. The
election is what the members themselves answer (`hello`), asked every quarter second.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from typing import Any

from app.lab.drills.registry import DrillNeeds
from app.lab.drills.ledger import WriteLedger
from app.lab.drills.members import Members
from app.lab.drills.run import DrillRun, since
from app.lab.drills.verdict import Loss, refused
from app.lab.drills.verdict import verdict as verdict_of
from app.lab.drills.watch import node_up
from app.lab.drills.work import OUTAGE_LABELS, at_work, write_labels, Paced, drained, outage
from app.lab.node import LabNode
from app.lab.state import Lab, LabError
from stores.errors import NotFound, StoreUnavailable
from stores.model import Patient, StoreHealth

REGION = WARD = "drill"
USER = "lab drill"
WRITE_S = 0.2
WARM_S, HOLD_S, AFTER_S = 3.0, 3.0, 3.0
ELECTION_LIMIT_S, RECOVER_LIMIT_S, SETTLE_LIMIT_S, CHECK_LIMIT_S = 60.0, 90.0, 90.0, 60.0
STEPDOWN_S = 30  # the old primary may not stand again for this long
LABELS = {
    **OUTAGE_LABELS,
    "detect_s": "the station stopped writing to the old primary, s after the fault",
    "failover_s": "another member answered as primary (the election), s after the fault",
    "recovered_s": "the station saw the old primary up again, s after the restore",
    **write_labels("admissions (write concern majority)",
                   "taken or kept, and not found afterwards"),
    "old_primary": "the old primary",
    "new_primary": "the new primary",
}
LOSSES = (
    Loss("writes_lost", "admission(s) taken or kept were not found afterwards (majority "
                        "writes rolled back?)", "writes_lost_keys"),
    refused("admission(s)"),
)
NEEDS = ("mongo-primary needs a MongoDB replica set: this lab runs {what}, so there is no "
         "primary to lose. Install MongoDB's server (mongod on the PATH: the mongodb-org-server "
         "package), then `ward-station lab down` and `ward-station lab up` again")


def ready(lab: Lab) -> None:
    """DrillNeeds, saying what to install, where the lab has no replica set."""
    if not any(node.kind == "mongod" for node in lab.nodes):
        mongo = [node for node in lab.nodes if node.store == "patients"]
        what = "one nx-27017 server (no mongod on the PATH)" if mongo else "no MongoDB"
        raise DrillNeeds(NEEDS.format(what=what))


async def run(drill: DrillRun) -> dict[str, Any]:
    members = Members([node for node in drill.lab.nodes if node.kind == "mongod"], drill.step)
    old = await members.primary_node()
    where = f"{old.address}:{old.port}"
    patients, writes, watch, feed = await at_work(drill, "patients", _key_of)
    writer = Paced(WRITE_S, lambda n: _admit(writes, patients, f"drill-{drill.run_id}-{n:05}"))
    watch.start()
    members.start()
    await feed.start()
    try:
        writer.start()
        await asyncio.sleep(WARM_S)
        fault = await _fault(drill, old)
        if not await drill.until(lambda: members.other_primary(old, fault), ELECTION_LIMIT_S):
            raise LabError(f"no other member became primary within {ELECTION_LIMIT_S:.0f} s "
                           "(`ward-station lab status` shows the members)")
        await asyncio.sleep(HOLD_S)
        restored = fault
        if drill.fault_kind != "stepdown":
            restored = await drill.restore(old)
            await drill.until(lambda: watch.first(node_up(where), restored), RECOVER_LIMIT_S)
        await asyncio.sleep(AFTER_S)
        await writer.stop()
        await drill.until(lambda: drained(writes), SETTLE_LIMIT_S)
        found, unchecked = await read_back(drill, patients, list(writes.records))
    finally:
        await asyncio.gather(writer.stop(), watch.stop(), members.stop(), feed.stop())
    elected = members.other_primary(old, fault)
    return {
        **outage(drill, writes, watch, fault, restored, _off(where), node_up(where)),
        "failover_s": since(elected and elected[0], fault),
        "old_primary": old.name,
        "new_primary": elected[1] if elected else "",
        **writes.outcome(found),
        "unchecked": unchecked,
    }


def verdict(found: dict[str, Any]) -> str:
    return verdict_of(found, LOSSES)


async def _fault(drill: DrillRun, old: LabNode) -> float:
    what = ", the primary, while the station admits patients at majority"
    if drill.fault_kind != "stepdown":
        return await drill.fault(old, what)
    drill.step(f"step down {old.name} ({old.address}:{old.port}){what}")
    began = time.monotonic()
    await asyncio.to_thread(Members.step_down, old, STEPDOWN_S)
    return began


async def _admit(writes: WriteLedger, patients: Any, patient_id: str) -> None:
    patient = Patient(id=patient_id, region=REGION, ward=WARD, mrn=patient_id,
                      given_name="Drill", family_name="Patient",
                      birth_date=datetime.date(1970, 1, 1))
    await writes.write(patient_id, lambda: patients.create(patient, USER))


async def read_back(drill: DrillRun, patients: Any, ids: list[str]) -> tuple[set[str], str]:
    """The drill's patients the store holds, each asked for (read concern majority)."""
    found: set[str] = set()
    deadline = time.monotonic() + CHECK_LIMIT_S
    for patient_id in ids:
        while True:
            try:
                await patients.get(patient_id)
                found.add(patient_id)
            except NotFound:
                pass
            except StoreUnavailable as exc:
                if time.monotonic() > deadline:
                    return found, f"patient {patient_id} could not be read back ({exc.reason})"
                await asyncio.sleep(1.0)
                continue
            break
    drill.step(f"read back {len(found)} of the drill's {len(ids)} admissions")
    return found, ""


def _off(where: str):
    """The station no longer writes to the old primary at `where` (or reaches no member)."""
    def test(health: StoreHealth) -> bool:
        return not any(node.current and node.address == where for node in health.nodes)
    return test


def _key_of(op: str, args: object) -> str | None:
    patient = args.get("patient") if isinstance(args, dict) else None
    return patient.id if op == "patients.admit" and patient is not None else None
