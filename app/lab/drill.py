"""`ward-station lab drill redis-master`: the alarm bus's master killed while the simulator
publishes alarms at 20 a second, and the figures a trainer points at afterwards.

The drill runs beside the lab, in this process: the simulator's own alarm delivery (its record
of every version it was handed is what is counted, never what the bus reports) and a station
following the region's alarms as the window's alarm feed does (what it was shown). A station
window open on the lab shows the same alarms on its banner and the failover in its Cluster tab.

Steps: 2 s of alarms; the master (as the Sentinels name it) killed; alarms go on until the
Sentinels promote a replica (`+switch-master`) and the station is shown alarms again; the old
master restored (it comes back as a replica); 2 s more; then every version handed over must be
published (the outbox drained) and shown, and the new master must hold every alarm as last
published. At the end the drill clears and acknowledges its own alarms (as "lab drill"), so
that the ward's banner is left as it was.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from app.config import load_config
from app.lab import control
from app.lab.drill_parts import DrillPublisher, DrillStation, SentinelEvents, Version, version
from app.lab.node import LabNode
from app.lab.redis_nodes import MASTER_NAME
from app.lab.state import CONFIG, Lab, LabError
from stores import open_stores

DRILLS = ("redis-master",)
SWITCH_LIMIT_S = 60.0  # the Sentinels' failover-timeout is 6 s in the lab; elsewhere longer
SETTLE_LIMIT_S = 60.0
RESUME_TARGET_S = 5.0  # the issue's: alarms shown again within 5 s of the promotion
Say = Callable[[str], None]


async def redis_master(lab: Lab, say: Say) -> dict[str, Any]:
    """Run the drill on `lab`; its figures (`FIGURES` keys and a few more)."""
    config = load_config(lab.folder / CONFIG, environ={})
    if not config.stores.get("alerts", "").startswith("redis+sentinel"):
        raise LabError("the lab's alarm bus is not Redis with Sentinel: nothing to fail over")
    secret = config.secrets.get("alerts")
    work = lab.folder / "drill"
    simulator = await open_stores(dataclasses.replace(config.store_config,
                                                      data_dir=work / "simulator"))
    station_stores = await open_stores(dataclasses.replace(config.store_config,
                                                           data_dir=work / "station"))
    sentinel = _running(lab, "sentinel")
    events = SentinelEvents(sentinel.address, sentinel.port, secret)
    station = DrillStation(station_stores, config.region)
    outbox: collections.Counter[str] = collections.Counter()
    courier = getattr(simulator.alerts, "courier", None)
    if courier is not None:
        courier.listen(lambda event, write: outbox.update([event]))
    publisher = DrillPublisher(simulator, config.region, config.ward)
    try:
        await events.start()
        await publisher.publish(40)
        master = await _master(lab, secret)
        say(f"killing {master.name} ({master.address}:{master.port}), the alarm bus's master, "
            f"while the simulator publishes 20 alarm versions a second")
        fault = time.monotonic()
        control.kill(lab, master.name, lambda _: None)
        switched = await publisher.until(lambda: events.first("+switch-master", fault) is not None,
                                         SWITCH_LIMIT_S)
        if not switched:
            raise LabError(f"the Sentinels did not fail over within {SWITCH_LIMIT_S:.0f} s "
                           "(`ward-station lab status` shows what they see)")
        after_fault = {version(a) for a, at in zip(publisher.sent, publisher.sent_at)
                       if at >= fault}
        await publisher.until(lambda: bool(after_fault & set(station.shown)), SETTLE_LIMIT_S)
        say(f"the Sentinels promoted a replica; restoring {master.name}")
        control.restore(lab, master.name, lambda _: None)
        await publisher.publish(40)
        await _settle(publisher, station, say)
        stored = {a.id: a.condition_active for a in await station_stores.alerts.history(
            config.region, publisher.sent[0].raised_at)}
        health = await simulator.alerts.health()
        await station.stop()  # what it was shown is counted: the tidying below is not
        await publisher.tidy("lab drill")
    finally:
        await asyncio.gather(events.stop(), station.stop())
        await asyncio.gather(simulator.close(), station_stores.close())
    return figures(publisher, station, events, fault, after_fault, stored, outbox,
                   health.reason)


def figures(publisher: DrillPublisher, station: DrillStation, events: SentinelEvents,
            fault: float, after_fault: set[Version], stored: dict[str, bool],
            outbox: collections.Counter[str], bus_said: str) -> dict[str, Any]:
    """The drill's figures, worked out from what was recorded (times in seconds from the
    fault)."""
    sent = {version(a) for a in publisher.sent}
    shown_of_sent = [v for v in station.shown if v in sent]
    latest = {a.id: a.condition_active for a in publisher.sent}
    detect, odown = (events.first(name, fault, "master ") for name in ("+sdown", "+odown"))
    switch = events.first("+switch-master", fault)
    resumed = min((at for v, at in zip(station.shown, station.shown_at) if v in after_fault),
                  default=None)
    return {
        "drill": "redis-master",
        "detect_s": _since(detect, fault),
        "odown_s": _since(odown, fault),
        "failover_s": _since(switch, fault),
        # from the kill, like the others: the station writes to the promoted replica as soon as
        # it is one, which can be before the Sentinel listened to announces +switch-master
        "station_resumed_s": round(resumed - fault, 2) if resumed is not None else None,
        "alarms_sent": len(publisher.sent),
        "alarms_shown": len(set(shown_of_sent)),
        "alarms_duplicated": len(shown_of_sent) - len(set(shown_of_sent)),
        "alarms_missing": len(sent - set(station.shown)),
        "alarms_not_on_new_master": sum(stored.get(i) != active for i, active in latest.items()),
        "writes_queued": outbox["queued"],
        "writes_delivered": outbox["delivered"],
        "writes_lost": outbox["queued"] - outbox["delivered"],
        "station_read_again": len(station.missed),
        "bus_said": bus_said,
    }


def _since(event: Any, fault: float) -> float | None:
    return round(event.at - fault, 2) if event is not None else None


async def _settle(publisher: DrillPublisher, station: DrillStation, say: Say) -> None:
    """Until every version handed over is published and shown, or the limit."""
    deadline = time.monotonic() + SETTLE_LIMIT_S
    sent = {version(a) for a in publisher.sent}
    while time.monotonic() < deadline:
        if not await publisher.waiting() and sent <= set(station.shown):
            return
        await asyncio.sleep(0.1)
    say(f"not everything arrived within {SETTLE_LIMIT_S:.0f} s: the figures say what is missing")


def _running(lab: Lab, kind: str) -> LabNode:
    for node in lab.nodes:
        if node.kind == kind and node.state(lab.folder) == "running":
            return node
    raise LabError(f"no {kind} of the lab is running (`ward-station lab status`)")


async def _master(lab: Lab, secret: str | None) -> LabNode:
    """The lab's node the Sentinels name as master now."""
    import redis.asyncio as aioredis

    sentinel = _running(lab, "sentinel")
    async with aioredis.Redis(host=sentinel.address, port=sentinel.port, password=secret,
                              decode_responses=True) as client:
        host, port = await client.sentinel_get_master_addr_by_name(MASTER_NAME)
    for node in lab.nodes:
        if node.kind == "redis" and (node.address, node.port) == (host, int(port)):
            return node
    raise LabError(f"the Sentinels name {host}:{port} as master, which is not the lab's")


def verdict(found: dict[str, Any]) -> str:
    """"nothing lost", or exactly what was lost: worked out from the records, not assumed."""
    lost = [f"{found[key]} {what}" for key, what in (
        ("alarms_missing", "alarm version(s) the simulator was handed were never shown"),
        ("alarms_duplicated", "alarm version(s) shown twice"),
        ("alarms_not_on_new_master", "alarm(s) not on the new master as last published"),
        ("writes_lost", "write(s) queued in the outbox never delivered")) if found[key]]
    resumed, promoted = found["station_resumed_s"], found["failover_s"]
    late = None if resumed is None or promoted is None else round(resumed - promoted, 2)
    slow = ([f"alarms shown again {late} s after the promotion (target "
             f"{RESUME_TARGET_S:.0f} s)"] if late is None or late > RESUME_TARGET_S else [])
    if lost:
        return "LOST: " + "; ".join(lost + slow)
    return "nothing lost" + (f" ({slow[0]})" if slow else "")
