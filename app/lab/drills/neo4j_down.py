"""`ward-station lab drill neo4j`: the care network's one Neo4j server stopped (or killed, or
frozen) while the station writes care links, five patients a second each linked to the drill's
doctor; the writes made while it is away wait in the outbox and land, in order, once it is
started again.

The drill's people are its own: a doctor in the region "drill" (kept for the next run: the
store has no way to remove a clinician) and patients `drill-RUN-N`. At the end the doctor's care
team is read back: a write taken or kept and not in it is lost. Then the drill removes its
patients, so that the care graph is left as it was.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from app.lab.drills.ledger import WriteLedger
from app.lab.drills.run import DrillRun, needs
from app.lab.drills.verdict import Loss, refused
from app.lab.drills.verdict import verdict as verdict_of
from app.lab.drills.watch import answers, is_down
from app.lab.drills.work import OUTAGE_LABELS, at_work, write_labels, Paced, drained, outage
from app.lab.state import Lab
from stores.errors import StoreUnavailable
from stores.model import CareLink, CareLinkKind, Clinician, ClinicianRole

REGION = "drill"
DOCTOR = Clinician("lab-drill-doctor", "Drill Doctor", ClinicianRole.DOCTOR, REGION)
WRITE_S = 0.2  # a patient and its link: ten writes a second
WARM_S, HOLD_S, AFTER_S = 3.0, 3.0, 3.0
DETECT_LIMIT_S, RECOVER_LIMIT_S, SETTLE_LIMIT_S, CHECK_LIMIT_S = 30.0, 90.0, 90.0, 60.0
LABELS = {
    **OUTAGE_LABELS,
    "detect_s": "the station saw Neo4j down, s after the fault",
    **write_labels("care-network writes (a patient, its link)",
                   "taken or kept, and not in the care team read back"),
}
LOSSES = (
    Loss("writes_lost", "care-network write(s) taken or kept were not found afterwards",
         "writes_lost_keys"),
    refused("care-network write(s)"),
)


def ready(lab: Lab) -> None:
    needs(lab, "neo4j", "this lab has no Neo4j (started with --no-java, or without Java 17): "
                        "`ward-station lab down`, then `lab up` without --no-java starts it")


async def run(drill: DrillRun) -> dict[str, Any]:
    node = drill.node("neo4j")
    network, writes, watch, feed = await at_work(drill, "network", _key_of)
    prefix = f"drill-{drill.run_id}-"
    writer = Paced(WRITE_S, lambda n: _admit(writes, network, f"{prefix}{n:05}"))
    watch.start()
    await feed.start()
    try:
        await network.put_clinician(DOCTOR)
        writer.start()
        await asyncio.sleep(WARM_S)
        fault = await drill.fault(node, ", the care network's one server, while the station "
                                        "writes care links")
        await drill.until(lambda: watch.first(is_down, fault), DETECT_LIMIT_S)
        await asyncio.sleep(HOLD_S)
        restored = await drill.restore(node)
        await drill.until(lambda: watch.first(answers, restored), RECOVER_LIMIT_S)
        await asyncio.sleep(AFTER_S)
        await writer.stop()
        await drill.until(lambda: drained(writes), SETTLE_LIMIT_S)
        patients = [key.removeprefix("patient:") for key in writes.records
                    if key.startswith("patient:")]
        found, unchecked = await read_back(drill, network, patients)
        await _tidy(network, writes)
    finally:
        await asyncio.gather(writer.stop(), watch.stop(), feed.stop())
    return {
        **outage(drill, writes, watch, fault, restored, is_down, answers),
        **writes.outcome(found),
        "unchecked": unchecked,
    }


def verdict(found: dict[str, Any]) -> str:
    return verdict_of(found, LOSSES)


async def _admit(writes: WriteLedger, network: Any, patient_id: str) -> None:
    """A patient, then the doctor's link to them (the outbox keeps the order)."""
    await writes.write(f"patient:{patient_id}",
                       lambda: network.put_patient(patient_id, "Drill Patient"))
    link = CareLink(DOCTOR.id, patient_id, CareLinkKind.TREATS)
    await writes.write(f"link:{patient_id}", lambda: network.link(link))


async def read_back(drill: DrillRun, network: Any,
                    patients: list[str]) -> tuple[set[str], str]:
    """The keys of the drill's writes the store holds: a patient's care team holds the doctor
    and, a hop on, every patient the doctor treats (a patient not found gives an empty team:
    the next one is asked, so one lost write does not hide the others)."""
    deadline, why = time.monotonic() + CHECK_LIMIT_S, ""
    asked = 0
    while time.monotonic() < deadline and asked < min(len(patients), 10):
        try:
            team = await network.care_team(patients[asked])
        except StoreUnavailable as exc:  # the driver's routing may lag the server's start
            why = exc.reason
            await asyncio.sleep(1.0)
            continue
        if not team.nodes:
            asked += 1
            continue
        found = {f"patient:{node.id}" for node in team.nodes}
        found |= {f"link:{link.target_id}" for link in team.links if link.source_id == DOCTOR.id}
        drill.step(f"read back the doctor's care team: {len(team.nodes) - 1} people")
        return found, ""
    if asked:
        return set(), ""  # no patient of the drill's is in the store: every write is lost
    return set(), f"the care team could not be read back within {CHECK_LIMIT_S:.0f} s ({why})"


async def _tidy(network: Any, writes: WriteLedger) -> None:
    """Remove the drill's patients (and their links): not part of its record."""
    for key in writes.records:
        if key.startswith("patient:"):
            await network.remove_patient(key.removeprefix("patient:"))


def _key_of(op: str, args: object) -> str | None:
    if not isinstance(args, dict):
        return None
    if op == "network.put-patient":
        return f"patient:{args.get('patient_id')}"
    link = args.get("link")
    return f"link:{link.target_id}" if op == "network.link" and link is not None else None
