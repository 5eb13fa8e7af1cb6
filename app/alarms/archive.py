"""Moves a region's long-resolved alarms off the alarm bus into the analytics store's archive.

Every few minutes: the alarms resolved before `now - after_s` are archived (one record per
alarm), and pruned from the bus only once the archive write was delivered. A write that waits in
the outbox is not archived yet: nothing is pruned that round, and no round runs while analytics
writes wait (each would only queue the same alarms again). Every station of a region does this;
archiving is idempotent and pruning removes only the version archived, so they may overlap.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.tasks import cancel_and_wait, raise_if_cancelled
from stores.alerts import ARCHIVE_BATCH, AlertBus
from stores.analytics import AnalyticsStore
from stores.analytics.alarm_archive import changed_at
from stores.errors import StoreError
from stores.model import Alarm, Queued

log = logging.getLogger(__name__)

ROUND_S = 300.0  # between rounds, give or take a fifth, so a region's stations spread out
FIRST_ROUND_S = 60.0  # after start: the station's own start-up comes first
MAX_BATCHES = 20  # per round: a backlog (the first run on a busy bus) is worked off over rounds


@dataclass
class ArchiveRound:
    """What one round did."""

    archived: int = 0  # alarms written to the archive (or queued, if `queued`)
    pruned: int = 0  # alarms removed from the bus
    queued: bool = False  # the archive write waits in the outbox: nothing was pruned after it
    skipped: str = ""  # why the round did nothing


class AlarmArchiver:
    """Runs the rounds for one region until stopped; `archive_once` runs one now."""

    def __init__(self, bus: AlertBus, analytics: AnalyticsStore, region: str, after_s: float,
                 clock: Callable[[], float] = time.time, round_s: float = ROUND_S,
                 first_round_s: float = FIRST_ROUND_S) -> None:
        self._bus, self._analytics = bus, analytics
        self.region, self.after_s = region, after_s
        self._clock = clock
        self._round_s, self._first_round_s = round_s, first_round_s
        self._courier = getattr(analytics, "courier", None)  # a real store's outbox, if any
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait([self._task])

    async def archive_once(self) -> ArchiveRound:
        if self._courier is not None and (await self._courier.counts())[0]:
            return ArchiveRound(skipped="analytics writes wait in the outbox")
        done, cutoff = ArchiveRound(), self._clock() - self.after_s
        for _ in range(MAX_BATCHES):
            alarms = await self._bus.resolved_before(self.region, cutoff, ARCHIVE_BATCH)
            if not alarms:
                break
            answer = await self._analytics.archive_alarms(alarms)
            done.archived += len(alarms)
            if isinstance(answer, Queued):
                done.queued = True  # not archived yet: the bus keeps them until it is
                break
            pruned = await self._bus.prune(self.region, alarms)
            done.pruned += pruned
            if pruned == 0 or len(alarms) < ARCHIVE_BATCH:
                break  # all done, or changed meanwhile: the next round sees the new versions
        return done

    async def _run(self) -> None:
        await asyncio.sleep(self._first_round_s)
        while True:
            await self._round()
            await asyncio.sleep(self._round_s * random.uniform(0.8, 1.2))

    async def _round(self) -> None:
        try:
            done = await self.archive_once()
        except StoreError as exc:  # a store away: the next round tries again
            raise_if_cancelled()
            log.warning("alarm archive of %s: %s; trying again later", self.region, exc)
            return
        except Exception:  # a bug must not end the rounds; it is logged in full
            raise_if_cancelled()
            log.exception("alarm archive of %s failed", self.region)
            return
        if done.archived:
            log.info("alarm archive of %s: %d alarm(s) archived%s, %d pruned from the bus",
                     self.region, done.archived, " (queued in the outbox)" if done.queued
                     else "", done.pruned)


def merged_history(live: list[Alarm], archived: list[Alarm]) -> list[Alarm]:
    """The bus's alarms and the archive's, one per id, the later state of each winning (the
    bus's on a tie: it holds the latest version), oldest first."""
    by_id = {alarm.id: alarm for alarm in archived}
    for alarm in live:
        kept = by_id.get(alarm.id)
        if kept is None or changed_at(alarm) >= changed_at(kept):
            by_id[alarm.id] = alarm
    return sorted(by_id.values(), key=lambda a: (a.raised_at, a.id))
