"""`ward-station lab drill influxdb`: the vitals' one InfluxDB server killed (or stopped, or
frozen) while the bedside simulator writes the lab's ward every second; the samples of the
outage wait in the outbox and land once it is back.

The record is the simulator's own: every sample the vitals store took (at once or into its
outbox), by bed and time. At the end each bed's samples are read back over the drill's time
range: a sample taken and not found is lost, named by bed. A station open on the lab writes the
same beds from its own simulator; its samples are other times, and only the drill's are looked
for. The ECG and pleth strips of the outage are not kept, by design (live data: they never wait
in the outbox), and are not counted.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from app.lab.drills.registry import DrillNeeds
from app.lab.drills.feed import WardFeed
from app.lab.drills.run import DrillRun, needs
from app.lab.drills.verdict import Loss, refused
from app.lab.drills.verdict import verdict as verdict_of
from app.lab.drills.watch import HealthWatch, answers, is_down
from app.lab.drills.work import OUTAGE_LABELS, write_labels, drained, outage
from app.lab.state import Lab, LabError
from stores.errors import StoreUnavailable

WARM_S, HOLD_S, AFTER_S = 3.0, 5.0, 3.0
DETECT_LIMIT_S, RECOVER_LIMIT_S, SETTLE_LIMIT_S, CHECK_LIMIT_S = 30.0, 60.0, 60.0, 60.0
LABELS = {
    **OUTAGE_LABELS,
    "detect_s": "the station saw InfluxDB down, s after the fault",
    "beds": "beds fed by the simulator",
    "samples_written": "vital samples the store took (at once or kept)",
    "samples_found": "of them, read back afterwards",
    "samples_missing": "of them, not found",
    **write_labels("writes of samples (one a second)", "with a sample not found",
                   "failed at once (the simulator kept them and wrote them again)"),
    "range": "time range read back",
    "missing_by_bed": "missing",
}
LOSSES = (
    Loss("samples_missing", "vital sample(s) the store took were not found again",
         "missing_by_bed"),
    refused("write(s) of vital samples"),
)


def ready(lab: Lab) -> None:
    needs(lab, "influx", "this lab has no InfluxDB: install the Debian package influxdb, then "
                         "`ward-station lab down` and `ward-station lab up` again",
          DrillNeeds)


async def run(drill: DrillRun) -> dict[str, Any]:
    node = drill.node("influxdb")
    stores = await drill.open_stores("simulator")
    feed = WardFeed(drill, stores)
    watch = HealthWatch(stores.vitals, "vitals", drill.step)
    watch.start()
    try:
        await feed.start()
        if not feed.beds:
            raise LabError(f"ward {feed.ward} has no beds on the lab: `ward-station simulate "
                           f"--config {drill.lab.folder / 'station.toml'} --backfill 10m "
                           "--backfill-only` seeds the demo hospital")
        await asyncio.sleep(WARM_S)
        fault = await drill.fault(node, f", the vitals' one server, while the simulator "
                                        f"writes ward {feed.ward}'s vitals every second")
        await drill.until(lambda: watch.first(is_down, fault), DETECT_LIMIT_S)
        await asyncio.sleep(HOLD_S)
        restored = await drill.restore(node)
        await drill.until(lambda: watch.first(answers, restored), RECOVER_LIMIT_S)
        await asyncio.sleep(AFTER_S)
        await feed.stop()
        await drill.until(lambda: drained(feed.ledger), SETTLE_LIMIT_S)
        found, unchecked = await read_back(drill, stores.vitals, feed.taken)
    finally:
        await asyncio.gather(watch.stop(), feed.stop())
    return {
        **outage(drill, feed.ledger, watch, fault, restored, is_down, answers),
        "beds": len(feed.taken),
        **samples(feed.taken, found),
        **feed.ledger.outcome(_batches_found(feed, found)),
        "unchecked": unchecked,
    }


def verdict(found: dict[str, Any]) -> str:
    return verdict_of(found, LOSSES)


def samples(taken: dict[str, set[int]], found: dict[str, set[int]]) -> dict[str, Any]:
    """The samples' figures: taken, found again and missing, counted per bed (ms times)."""
    missing = {bed: len(times - found.get(bed, set())) for bed, times in sorted(taken.items())}
    written = sum(len(times) for times in taken.values())
    lost = sum(missing.values())
    every = [t for times in taken.values() for t in times]
    return {
        "samples_written": written, "samples_found": written - lost, "samples_missing": lost,
        "missing_by_bed": ", ".join(f"bed {bed}: {n}" for bed, n in missing.items() if n),
        "range": (f"{time.strftime('%H:%M:%S', time.localtime(min(every) / 1000))}-"
                  f"{time.strftime('%H:%M:%S', time.localtime(max(every) / 1000))}"
                  if every else ""),
    }


async def read_back(drill: DrillRun, vitals: Any,
                    taken: dict[str, set[int]]) -> tuple[dict[str, set[int]], str]:
    """Each bed's sample times (ms) the store holds over the range of those it took."""
    found: dict[str, set[int]] = {}
    deadline, why = time.monotonic() + CHECK_LIMIT_S, ""
    for bed, times in sorted(taken.items()):
        while bed not in found:
            try:
                held = await vitals.history(bed, min(times) / 1000, max(times) / 1000 + 0.001)
            except StoreUnavailable as exc:
                if time.monotonic() > deadline:
                    return found, f"bed {bed} could not be read back ({exc.reason})"
                why = exc.reason
                await asyncio.sleep(1.0)
                continue
            found[bed] = {round(sample.time * 1000) for sample in held}
    drill.step(f"read back {sum(len(t) for t in found.values())} samples of {len(found)} beds"
               + (f" (after: {why})" if why else ""))
    return found, ""


def _batches_found(feed: WardFeed, found: dict[str, set[int]]) -> set[str]:
    """The writes every sample of which was found again."""
    return {key for key, batch in feed.batches.items()
            if all(at in found.get(bed, ()) for bed, at in batch)}
