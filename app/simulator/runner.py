"""The built-in bedside feed: each second, every occupied bed's vitals, alarms and rollups to the
stores; between the seconds, every 250 ms, each bed's ECG and pleth chunks, drawn on a thread of
their own (`app.simulator.synthesis`).

An object that owns one asyncio task, no Qt. A store that is unavailable is retried on the next
tick (see `app.simulator.delivery`); the loop itself keeps going.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable

from app.alarms.rules import DEFAULT_RULES, with_limits
from app.demo.seed import demo_ward_ids
from app.rollups import occupancy
from app.simulator.delivery import SimulatorStats, StoreDelivery
from app.simulator.physiology import DEFAULT_EPISODES_PER_HOUR
from app.simulator.synthesis import WaveformThread
from app.simulator.ward import SimulatedWard
from app.simulator.waveforms import CHUNK_S
from app.tasks import cancel_and_wait
from stores import Stores
from stores.model import Alarm, AlarmLimits

log = logging.getLogger(__name__)

TICK_S = 1.0
FLUSH_S = 60.0  # rollups and occupancy go to the analytics store this often
RELOAD_S = 10.0  # admissions and discharges made elsewhere are picked up this often
_SHORTEST_WAIT_S = 0.005

__all__ = ["BedsideSimulator", "SimulatorStats", "run_simulator"]


class BedsideSimulator:
    """Simulated monitors for the beds of `wards` (None: every demo ward that has beds).

    `clock` gives the time stamped on samples and alarms; it is read once per tick. The ticks
    themselves are paced by the event loop's clock, every `tick_interval` seconds.
    """

    def __init__(self, stores: Stores, wards: list[str] | None = None,
                 clock: Callable[[], float] = time.time, rng_seed: int | None = None, *,
                 episodes_per_hour: float = DEFAULT_EPISODES_PER_HOUR,
                 tick_interval: float = TICK_S, flush_interval: float = FLUSH_S,
                 ward_limits: Callable[[str], tuple[AlarmLimits, ...]] = lambda ward: ()) -> None:
        self._stores = stores
        self._ward_ids = wards
        self._clock = clock
        self._seed = random.randrange(2**32) if rng_seed is None else rng_seed
        self._episodes_per_hour = episodes_per_hour
        self._tick_interval = tick_interval
        self._flush_interval = flush_interval
        self._ward_limits = ward_limits
        self.stats = SimulatorStats()
        self.wards: dict[str, SimulatedWard] = {}
        self._delivery = StoreDelivery(stores, self.stats)
        self._waveforms = WaveformThread()
        self._reload_wanted = True
        self._last_flush: float | None = None
        self._lock = asyncio.Lock()  # a tick, a reload and the final flush never interleave
        self._task: asyncio.Task | None = None
        self._loaded_at = 0.0
        self._waveforms_written: list[Callable[[], None]] = []

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Load the wards' beds and patients and start ticking (a store that is down is retried)."""
        if self._task is not None:
            return
        await self.refresh_patients()
        self._task = asyncio.create_task(self._run(), name="bedside-simulator")
        self._task.add_done_callback(_report_crash)

    async def stop(self) -> None:
        """Stop ticking and flush the rollups collected so far."""
        task, self._task = self._task, None
        if task is not None:
            await cancel_and_wait([task])
        self._waveforms.close()
        async with self._lock:
            await self._flush(self._clock())

    async def wait(self) -> None:
        """Return when the tick loop ends; raises what ended it if it was not a stop()."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def refresh_patients(self) -> None:
        """Reload beds and patients now (after an admission or a discharge)."""
        async with self._lock:
            await self._delivery.guarded("load beds and patients", self._load)

    def on_waveforms_written(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after each delivery of chunks the store took: a live strip in the
        same process reads them at once rather than at its next poll (the head is 0.75 s
        behind the clock, and a quarter second of waiting for a poll was a third of that)."""
        self._waveforms_written.append(listener)

    def request_refresh(self) -> None:
        """Reload beds and patients at the next tick; safe to connect to a Qt signal."""
        self._reload_wanted = True

    async def tick(self) -> None:
        """One second of simulation: step every occupied bed, then deliver to the stores."""
        async with self._lock:
            if self._reload_wanted or self._clock() - self._loaded_at >= RELOAD_S:
                loaded = await self._delivery.guarded("load beds and patients", self._load)
                if not loaded and not self.wards:
                    return
            now = self._clock()
            by_ward = {ward: ward.step(now) for ward in self.wards.values()}
            await self._delivery.write_samples([s for batch in by_ward.values() for s in batch])
            for ward, samples in by_ward.items():
                self._delivery.rollups.add_samples(ward.region, ward.ward, samples)
                self._delivery.queue_alarms(ward.evaluate(samples))
            await self._delivery.publish_alarms()
            if self._last_flush is None:
                self._last_flush = now
            elif now - self._last_flush >= self._flush_interval:
                await self._flush(now)
            self.stats.ticks += 1

    async def deliver_waveforms(self) -> None:
        """Write every bed's waveform chunks completed by now, all beds in one call; drawn on
        the waveform thread, while the lock keeps ticks and reloads off the monitors."""
        async with self._lock:
            chunks = await self._waveforms.chunks(self.wards.values(), self._clock())
        if await self._delivery.write_waveforms(chunks):
            for listener in self._waveforms_written:
                listener()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            await self.tick()
            # Paced by absolute time so the ticks do not drift; after a stall, the missed
            # ticks are skipped rather than rushed through.
            due = max(due + self._tick_interval, loop.time())
            await self._waveforms_until(due)

    async def _waveforms_until(self, due: float) -> None:
        """Deliver the waveforms as each 250 ms chunk completes, until the next tick is due."""
        loop = asyncio.get_running_loop()
        while True:
            await self.deliver_waveforms()
            left = due - loop.time()
            if left <= 0:
                return
            # Wake just after the clock crosses the next chunk edge (a multiple of CHUNK_S).
            to_edge = CHUNK_S - self._clock() % CHUNK_S + 0.001
            await asyncio.sleep(max(min(left, to_edge), _SHORTEST_WAIT_S))

    async def _load(self) -> None:
        ward_ids = self._ward_ids if self._ward_ids is not None else demo_ward_ids()
        open_by_region: dict[str, list[Alarm]] = {}  # read once per region, not once per ward
        for ward_id in ward_ids:
            beds = await self._stores.patients.beds(ward_id)
            if not beds:
                continue
            ward = self.wards.get(ward_id)
            patients = await self._stores.patients.search(beds[0].region, ward_id)
            if ward is None:
                rules = with_limits(DEFAULT_RULES, self._ward_limits(ward_id))
                ward = SimulatedWard(beds, self._clock, self._seed, self._episodes_per_hour, rules)
                ward.set_patients(patients)
                # Alarms left open by an earlier run are continued, not raised again.
                if ward.region not in open_by_region:
                    open_by_region[ward.region] = await self._stores.alerts.active(ward.region)
                self._delivery.queue_alarms(ward.engine.adopt(open_by_region[ward.region]))
                self.wards[ward_id] = ward
            else:
                self._delivery.queue_alarms(ward.set_patients(patients))
        self._reload_wanted = False
        self._loaded_at = self._clock()

    async def _flush(self, now: float) -> None:
        self._last_flush = now
        beds = [bed for ward in self.wards.values() for bed in ward.beds]
        patients = [p for ward in self.wards.values() for p in ward.patients.values() if p]
        await self._delivery.flush_analytics(occupancy(beds, patients, now))


def _report_crash(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("The bedside simulator stopped", exc_info=task.exception())


async def run_simulator(stores: Stores, wards: list[str] | None, stop_event: asyncio.Event,
                        **options) -> BedsideSimulator:
    """Run the simulator until `stop_event` is set (what `ward-station simulate` does).

    `options` go to `BedsideSimulator`. Raises what stopped the simulator if it failed."""
    simulator = BedsideSimulator(stores, wards, **options)
    await simulator.start()
    stopping = asyncio.create_task(stop_event.wait())
    running = asyncio.create_task(simulator.wait())
    try:
        await asyncio.wait({stopping, running}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        running.cancel()
        await simulator.stop()
    if running.done() and not running.cancelled() and running.exception() is not None:
        raise running.exception()
    return simulator
