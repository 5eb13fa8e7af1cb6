"""`ward-station lab drill cassandra-node`: one of the three Cassandra nodes killed (or frozen,
or stopped) while the station writes analytics ten times a second and reads them twice a
second, at the consistency levels its URL sets (LOCAL_QUORUM writes, LOCAL_ONE reads by
default), and what it saw.

Each write is a rollup of a ward of its own (`drill-RUN-N`, one alarm) in the hour 2000-01-01
00:00 of the region "drill", so the drill's rows never mix with the ward's figures and a read
tells exactly which writes it holds. A read is stale when it lacks a write the store took before
the read began (a LOCAL_ONE read may reach the replica a write has not reached yet). At the end,
with every node back and the outbox drained, the rows are read back at ALL (every replica
answers): a write taken or kept and not found then is lost.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from app.lab.drills.ledger import ReadLedger, WriteLedger
from app.lab.drills.run import DrillRun, needs, since
from app.lab.drills.verdict import Loss, refused
from app.lab.drills.verdict import verdict as verdict_of
from app.lab.drills.watch import node_down, node_up
from app.lab.drills.work import OUTAGE_LABELS, at_work, write_labels, Paced, drained, outage
from app.lab.state import Lab, LabError
from stores.errors import StoreUnavailable
from stores.model import WardHour

# not the first contact point, where the driver keeps its control connection: the class sees
# a replica go that the station merely uses, as most nodes of a ring are
NODE = "cassandra-2"
REGION = "drill"
HOUR = 946684800.0  # 2000-01-01 00:00 UTC: far from any hour the ward's panels show
WRITE_S, READ_S = 0.1, 0.5
WARM_S, HOLD_S, AFTER_S = 3.0, 5.0, 3.0
DETECT_LIMIT_S, RECOVER_LIMIT_S, SETTLE_LIMIT_S, CHECK_LIMIT_S = 30.0, 90.0, 60.0, 60.0
LABELS = {
    **OUTAGE_LABELS,
    "detect_s": "the station's driver marked the node down (DN), s after the fault",
    "recovered_s": "the driver had it up (UN) again, s after the restore",
    **write_labels("rollups written (one ward each)",
                   "taken or kept, and not found at ALL afterwards"),
    "reads_made": "reads",
    "reads_failed": "of them, failed",
    "reads_stale": "of them, missing a write taken before they began",
    "first_stale_s": "the first of those, s after the fault",
    "consistency": "consistency in use",
    "reads_failed_why": "the last failed read",
}
LOSSES = (
    Loss("writes_lost", "rollup write(s) taken or kept in the outbox were not found at ALL",
         "writes_lost_keys"),
    refused("rollup write(s)"),
)


def ready(lab: Lab) -> None:
    needs(lab, "cassandra", "this lab has no Cassandra (started with --no-java, or without Java "
                            "17): `ward-station lab down`, then `lab up` without --no-java "
                            "starts three nodes")


async def run(drill: DrillRun) -> dict[str, Any]:
    node = drill.node(NODE)
    where = f"{node.address}:{node.port}"  # as the driver names it
    analytics, writes, watch, feed = await at_work(drill, "analytics", _ward_of)
    check = (await drill.open_stores(
        "check", analytics=at_all(drill.config.stores["analytics"]))).analytics
    reads = ReadLedger()
    drill.counting(reads.figures)
    mine = f"drill-{drill.run_id}-"  # this run's wards
    writer = Paced(WRITE_S, lambda n: _write(writes, analytics, f"{mine}{n:05}"))
    reader = Paced(READ_S, lambda n: reads.read(lambda: _wards(analytics, mine),
                                                writes.taken_before))
    watch.start()
    await feed.start()
    try:
        if not await drill.until(lambda: watch.first(node_up(where), 0.0), 30.0):
            raise LabError(f"the station's driver never saw {NODE} up: is the ring whole? "
                           "(`ward-station lab status`)")
        writer.start()
        reader.start()
        await asyncio.sleep(WARM_S)
        fault = await drill.fault(node, f", one of three replicas, while the station writes "
                                        f"at {1 / WRITE_S:.0f} a second and reads")
        await drill.until(lambda: watch.first(node_down(where), fault), DETECT_LIMIT_S)
        await asyncio.sleep(HOLD_S)
        restored = await drill.restore(node)
        await drill.until(lambda: watch.first(node_up(where), restored), RECOVER_LIMIT_S)
        await asyncio.sleep(AFTER_S)
        await asyncio.gather(writer.stop(), reader.stop())
        await drill.until(lambda: drained(writes), SETTLE_LIMIT_S)
        found, unchecked = await read_back(drill, check, mine)
    finally:
        await asyncio.gather(writer.stop(), reader.stop(), watch.stop(), feed.stop())
    health = await analytics.health()
    return {
        "node": NODE,
        **outage(drill, writes, watch, fault, restored, node_down(where),
                 node_up(where)),
        **writes.outcome(found),
        **reads.figures(),
        "first_stale_s": since(reads.first_stale(), fault),
        "consistency": ", ".join(health.consistency[:2]),
        "unchecked": unchecked,
    }


def verdict(found: dict[str, Any]) -> str:
    """What was lost; and, beside it, the reads that failed or were stale (none lost, but what
    the consistency in use costs)."""
    reads = [f"{found[key]} {what}" for key, what in (("reads_failed", "read(s) failed"),
                                                     ("reads_stale", "stale"))
             if found.get(key)]
    said = f"{', '.join(reads)} at {found.get('consistency') or 'the levels in use'}"
    return verdict_of(found, LOSSES, [said] if reads else [])


def at_all(url: str) -> str:
    """`url` read at ALL: every replica answers, so a read holds every write any one took."""
    base, _, query = url.partition("?")
    options = dict(parse_qsl(query)) | {"read_consistency": "ALL"}
    return f"{base}?{urlencode(options, safe=':,')}"


async def read_back(drill: DrillRun, check: Any, mine: str) -> tuple[set[str], str]:
    """The drill's wards the store holds, read at ALL (retried while a replica is not back in
    every node's view yet); and why it could not tell, if it could not."""
    deadline, why = time.monotonic() + CHECK_LIMIT_S, ""
    while time.monotonic() < deadline:
        try:
            found = await _wards(check, mine)
        except StoreUnavailable as exc:
            why = exc.reason
            await asyncio.sleep(1.0)
            continue
        drill.step(f"read back at ALL: {len(found)} of the drill's rollups")
        return found, ""
    return set(), f"the rollups could not be read back at ALL within {CHECK_LIMIT_S:.0f} s ({why})"


async def _write(writes: WriteLedger, analytics: Any, ward: str) -> None:
    rollup = WardHour(REGION, ward, HOUR, alarms=1)
    await writes.write(ward, lambda: analytics.add_hours([rollup]))


async def _wards(analytics: Any, prefix: str) -> set[str]:
    """The wards of the drill's hour that hold their one alarm."""
    hours = await analytics.hours(REGION, HOUR, HOUR + 3600)
    return {hour.ward for hour in hours if hour.ward.startswith(prefix) and hour.alarms == 1}


def _ward_of(op: str, args: object) -> str | None:
    rollups = args.get("rollups") if isinstance(args, dict) else None
    return rollups[0].ward if op == "analytics.add-hours" and rollups else None
