"""Delivery of the simulator's output to the stores, riding out a store that is unavailable.

What a store refused is kept (bounded) and sent again with the next delivery, so an outage of
a few minutes loses nothing; each outage is logged once, not once a second. Waveforms are the
exception: they are live data, dropped while the store is down (see `write_waveforms`).
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from app.rollups import RollupAccumulator
from app.tasks import raise_if_cancelled
from stores import Stores
from stores.errors import StoreUnavailable
from stores.model import Alarm, VitalSample, WardOccupancy, WaveformChunk

log = logging.getLogger(__name__)

SAMPLE_BACKLOG_BATCHES = 120  # two minutes of vitals at one batch a second
ALARM_BACKLOG = 10_000


@dataclass
class SimulatorStats:
    ticks: int = 0
    samples_written: int = 0
    waveform_chunks_written: int = 0
    alarms_published: int = 0
    errors: int = 0  # store calls that failed with StoreUnavailable


class StoreDelivery:
    """Writes vitals, publishes alarms and adds rollups, keeping what could not be delivered."""

    def __init__(self, stores: Stores, stats: SimulatorStats) -> None:
        self._stores = stores
        self._stats = stats
        self.rollups = RollupAccumulator()
        self._samples: collections.deque[list[VitalSample]] = collections.deque(
            maxlen=SAMPLE_BACKLOG_BATCHES)
        self._alarms: collections.deque[Alarm] = collections.deque(maxlen=ALARM_BACKLOG)
        self._failing: set[str] = set()

    @property
    def alarms_waiting(self) -> int:
        """Alarm versions kept because the bus refused them, to be published again."""
        return len(self._alarms)

    def queue_alarms(self, alarms: Iterable[Alarm]) -> None:
        alarms = list(alarms)
        self.rollups.add_alarms(alarms)
        self._alarms.extend(alarms)

    async def write_samples(self, batch: list[VitalSample]) -> None:
        """Write this batch and any kept from before, in one call."""
        self._samples.append(batch)
        pending = [sample for kept in self._samples for sample in kept]
        if pending and await self.guarded("write vitals", lambda: self._stores.vitals.write(pending)):
            self._stats.samples_written += len(pending)
            self._samples.clear()

    async def write_waveforms(self, chunks: list[WaveformChunk]) -> bool:
        """Write every bed's new waveform chunks in one call; whether any were written.

        Unlike vitals, chunks the store refused are not kept: a waveform is for watching now,
        a strip resent minutes late would only delay the live one, and the vitals (kept) and
        alarms do not depend on it."""
        if not chunks:
            return False
        written = await self.guarded(
            "write waveforms", lambda: self._stores.vitals.write_waveforms(chunks))
        if written:
            self._stats.waveform_chunks_written += len(chunks)
        return written

    async def publish_alarms(self) -> None:
        # In order, one by one: a cleared version must never overtake its raise.
        while self._alarms:
            alarm = self._alarms[0]
            # B023 is a false positive: guarded() awaits the call within this iteration
            if not await self.guarded("publish alarms",
                                      lambda: self._stores.alerts.publish(alarm)):  # noqa: B023
                return
            self._alarms.popleft()
            self._stats.alarms_published += 1

    async def flush_analytics(self, occupancy: list[WardOccupancy]) -> None:
        """Add the rollups collected so far (kept for the next flush if refused) and the occupancy."""
        hours = self.rollups.drain()
        analytics = self._stores.analytics
        if hours and not await self.guarded("add rollups", lambda: analytics.add_hours(hours)):
            for hour in hours:
                self.rollups.add(hour)
        if occupancy:
            await self.guarded("record occupancy", lambda: analytics.record_occupancy(occupancy))

    async def guarded(self, what: str, call: Callable[[], Awaitable[object]]) -> bool:
        """Run a store call; on StoreUnavailable count it, log it once per outage, return False."""
        try:
            await call()
        except StoreUnavailable as exc:
            raise_if_cancelled()  # a driver's timeout may have eaten a stop
            self._stats.errors += 1
            if what not in self._failing:
                self._failing.add(what)
                log.warning("Simulator cannot %s: %s; retrying every tick", what, exc.reason)
            return False
        if what in self._failing:
            self._failing.discard(what)
            log.info("Simulator can %s again", what)
        return True
