"""The bedside simulator against the real embedded stores, including stores that go away."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import threading
import time
from datetime import date

import pytest
import pytest_asyncio

from app.demo.seed import demo_ward_ids
from app.simulator import synthesis
from app.simulator.runner import BedsideSimulator, run_simulator
from app.simulator.ward import SimulatedWard
from stores import StoreConfig, open_stores
from stores.alerts import AlertBus
from stores.analytics import AnalyticsStore
from stores.errors import StoreUnavailable
from stores.model import Patient, Waveform, hour_start
from stores.vitals import VitalsStore
from tests.waiting import eventually

T0 = 1_750_000_000.0
BUSY = 400.0  # episodes per bed-hour: alarms within a simulated minute


class FlakyVitals(VitalsStore):
    """A vitals store whose server can be switched off: writes fail while `down`."""

    def __init__(self, real: VitalsStore) -> None:
        self.real, self.down = real, True

    async def write(self, samples):
        if self.down:
            raise StoreUnavailable("vitals server unreachable")
        await self.real.write(samples)

    async def latest(self, bed_ids):
        return await self.real.latest(bed_ids)

    async def history(self, bed_id, start, end):
        return await self.real.history(bed_id, start, end)

    async def recent(self, bed_ids, since):
        return await self.real.recent(bed_ids, since)

    async def write_waveforms(self, chunks):
        if self.down:
            raise StoreUnavailable("vitals server unreachable")
        await self.real.write_waveforms(chunks)

    async def waveforms(self, bed_ids, since, waveform=None):
        return await self.real.waveforms(bed_ids, since, waveform)

    async def trend(self, bed_id, start, end, buckets):
        return await self.real.trend(bed_id, start, end, buckets)

    async def health(self):
        return await self.real.health()

    async def close(self):
        await self.real.close()


class FlakyAlerts(AlertBus):
    """An alarm bus whose server can be switched off: publishing fails while `down`."""

    def __init__(self, real: AlertBus) -> None:
        self.real, self.down = real, True
        self.delivered = []

    async def publish(self, alarm):
        if self.down:
            raise StoreUnavailable("alarm bus unreachable")
        await self.real.publish(alarm)
        self.delivered.append(alarm)

    async def acknowledge(self, alarm_id, by, at, region=None):
        return await self.real.acknowledge(alarm_id, by, at, region)

    async def active(self, region):
        return await self.real.active(region)

    async def history(self, region, since):
        return await self.real.history(region, since)

    def subscribe(self, region):
        return self.real.subscribe(region)

    async def health(self):
        return await self.real.health()

    async def close(self):
        await self.real.close()


class FlakyAnalytics(AnalyticsStore):
    """An analytics store whose server can be switched off: every call fails while `down`."""

    def __init__(self, real: AnalyticsStore) -> None:
        self.real, self.down = real, True

    def _check(self):
        if self.down:
            raise StoreUnavailable("analytics cluster unreachable")

    async def add_hours(self, rollups):
        self._check()
        await self.real.add_hours(rollups)

    async def hours(self, region, start, end):
        return await self.real.hours(region, start, end)

    async def record_occupancy(self, occupancy):
        self._check()
        await self.real.record_occupancy(occupancy)

    async def occupancy(self):
        return await self.real.occupancy()

    async def health(self):
        return await self.real.health()

    async def close(self):
        await self.real.close()


@pytest_asyncio.fixture
async def stores(tmp_path, seeded_demo):
    seeded_demo.copy_into(tmp_path, now=T0)
    opened = await open_stores(StoreConfig(data_dir=tmp_path))
    yield opened
    await opened.close()


@pytest.fixture
def clock():
    """A clock the test moves on by hand: `clock.now[0] += 1`."""
    now = [T0]

    def read() -> float:
        return now[0]

    read.now = now
    return read


async def run_seconds(simulator: BedsideSimulator, clock, seconds: int) -> None:
    for _ in range(seconds):
        clock.now[0] += 1.0
        await simulator.tick()


async def occupied_beds(stores, ward: str) -> set[str]:
    region = ward.split("-")[0]
    return {p.bed_id for p in await stores.patients.search(region, ward)}


@pytest.mark.asyncio
async def test_every_occupied_bed_gets_a_sample_each_second(stores, clock):
    simulator = BedsideSimulator(stores, ["north-1", "south-2"], clock, rng_seed=1)
    await run_seconds(simulator, clock, 3)
    occupied = await occupied_beds(stores, "north-1") | await occupied_beds(stores, "south-2")
    latest = await stores.vitals.latest([f"{w}-{n:02d}" for w in ("north-1", "south-2")
                                         for n in range(1, 17)])
    assert set(latest) == occupied
    assert {s.time for s in latest.values()} == {T0 + 3}
    assert simulator.stats.samples_written == 3 * len(occupied)
    assert simulator.stats.ticks == 3 and simulator.stats.errors == 0


@pytest.mark.asyncio
async def test_no_wards_named_means_every_demo_ward(stores, clock):
    simulator = BedsideSimulator(stores, None, clock, rng_seed=1)
    await run_seconds(simulator, clock, 1)
    assert len(simulator.wards) == len(demo_ward_ids()) == 8
    assert simulator.stats.samples_written == sum(len(w.monitors) for w in simulator.wards.values())


@pytest.mark.asyncio
async def test_alarms_are_published_with_their_patients(stores, clock):
    simulator = BedsideSimulator(stores, ["central-1"], clock, rng_seed=2, episodes_per_hour=BUSY)
    await run_seconds(simulator, clock, 240)
    published = await stores.alerts.history("central", T0)
    assert published and simulator.stats.alarms_published >= len(published)
    names = {p.id: p.full_name for p in await stores.patients.search("central", "central-1")}
    assert all(names[a.patient_id] == a.patient_name for a in published)
    assert any(not a.condition_active for a in published)  # some have cleared already


@pytest.mark.asyncio
async def test_what_the_simulator_writes_is_marked_simulated(stores, clock):
    simulator = BedsideSimulator(stores, ["central-1"], clock, rng_seed=2, episodes_per_hour=BUSY)
    await run_seconds(simulator, clock, 240)
    beds = await occupied_beds(stores, "central-1")
    latest = await stores.vitals.latest(beds)
    assert latest and all(sample.simulated for sample in latest.values())
    published = await stores.alerts.history("central", T0)
    assert published and all(alarm.simulated for alarm in published)
    await run_quarters(simulator, clock, 2)
    chunks = await stores.vitals.waveforms(beds, clock.now[0] - 2)
    assert chunks and all(c.simulated for found in chunks.values() for c in found)


@pytest.mark.asyncio
async def test_rollups_and_occupancy_reach_the_analytics_store(stores, clock):
    simulator = BedsideSimulator(stores, ["north-2"], clock, rng_seed=3, flush_interval=60)
    beds = len(await occupied_beds(stores, "north-2"))

    async def samples_counted() -> int:
        hour = hour_start(T0)
        rows = await stores.analytics.hours("north", hour, hour + 7200)
        return sum(h.heart_rate_count for h in rows if h.ward == "north-2")

    await run_seconds(simulator, clock, 61)  # the first minute is flushed at its end
    assert await samples_counted() == 61 * beds
    occupancy = {o.ward: o for o in await stores.analytics.occupancy()}
    assert occupancy["north-2"].time == T0 + 61 and occupancy["north-2"].occupied == beds
    await run_seconds(simulator, clock, 2)
    assert await samples_counted() == 61 * beds
    await simulator.stop()  # flushes what came after the minute
    assert await samples_counted() == 63 * beds


@pytest.mark.asyncio
async def test_a_discharge_stops_the_beds_feed_after_a_refresh(stores, clock):
    simulator = BedsideSimulator(stores, ["south-1"], clock, rng_seed=4)
    await run_seconds(simulator, clock, 1)
    leaving = (await stores.patients.search("south", "south-1"))[0]
    await stores.patients.discharge(leaving.id, "nurse")
    await simulator.refresh_patients()
    await run_seconds(simulator, clock, 1)
    latest = await stores.vitals.latest([leaving.bed_id])
    assert latest[leaving.bed_id].time == T0 + 1
    assert leaving.bed_id not in simulator.wards["south-1"].monitors


@pytest.mark.asyncio
async def test_an_admission_is_picked_up_at_the_next_tick_after_a_refresh_request(stores, clock):
    simulator = BedsideSimulator(stores, ["south-2"], clock, rng_seed=4)
    await run_seconds(simulator, clock, 1)
    occupied = await occupied_beds(stores, "south-2")
    free = next(b.id for b in await stores.patients.beds("south-2") if b.id not in occupied)
    newcomer = Patient("", "south", "south-2", "S000001", "Nia", "Boateng", date(1961, 2, 3),
                       bed_id=free)
    await stores.patients.create(newcomer, "nurse")
    simulator.request_refresh()
    await run_seconds(simulator, clock, 1)
    assert (await stores.vitals.latest([free]))[free].time == T0 + 2


@pytest.mark.asyncio
async def test_rollups_the_analytics_store_refused_are_delivered_later(stores, clock):
    flaky = FlakyAnalytics(stores.analytics)
    simulator = BedsideSimulator(dataclasses.replace(stores, analytics=flaky), ["north-2"], clock,
                                 rng_seed=3, flush_interval=60)
    await run_seconds(simulator, clock, 61)
    assert simulator.stats.errors == 2  # the rollups and the occupancy of the first flush
    flaky.down = False
    await run_seconds(simulator, clock, 1)
    await simulator.stop()
    hour = hour_start(T0)
    rows = [h for h in await stores.analytics.hours("north", hour, hour + 7200) if h.ward == "north-2"]
    assert sum(h.heart_rate_count for h in rows) == 62 * len(await occupied_beds(stores, "north-2"))


@pytest.mark.asyncio
async def test_an_unavailable_vitals_store_is_retried_and_loses_nothing(stores, clock):
    flaky = FlakyVitals(stores.vitals)
    simulator = BedsideSimulator(dataclasses.replace(stores, vitals=flaky), ["north-1"], clock,
                                 rng_seed=5)
    await run_seconds(simulator, clock, 5)
    assert simulator.stats.errors == 5 and simulator.stats.samples_written == 0
    flaky.down = False
    await run_seconds(simulator, clock, 1)
    bed = sorted(await occupied_beds(stores, "north-1"))[0]
    history = await stores.vitals.history(bed, T0, T0 + 10)
    assert [s.time for s in history] == [T0 + n for n in range(1, 7)]


@pytest.mark.asyncio
async def test_alarms_wait_for_the_bus_and_arrive_in_order(stores, clock):
    flaky = FlakyAlerts(stores.alerts)
    simulator = BedsideSimulator(dataclasses.replace(stores, alerts=flaky), ["central-1"], clock,
                                 rng_seed=2, episodes_per_hour=BUSY)
    await run_seconds(simulator, clock, 90)
    assert simulator.stats.alarms_published == 0 and simulator.stats.errors >= 1
    flaky.down = False
    await run_seconds(simulator, clock, 1)
    delivered = flaky.delivered
    assert delivered and simulator.stats.alarms_published == len(delivered)
    assert {a.id for a in await stores.alerts.history("central", T0)} == {a.id for a in delivered}
    seen: set[str] = set()
    for alarm in delivered:  # a clear never comes before its raise
        assert alarm.condition_active or alarm.id in seen
        seen.add(alarm.id)


@pytest.mark.asyncio
async def test_the_loop_keeps_running_through_an_outage_and_stops_cleanly(stores):
    flaky = FlakyVitals(stores.vitals)
    simulator = BedsideSimulator(dataclasses.replace(stores, vitals=flaky), ["north-1"],
                                 rng_seed=6, tick_interval=0.01)
    await simulator.start()
    await eventually(lambda: simulator.stats.ticks >= 5)
    assert simulator.running and simulator.stats.errors >= 5
    flaky.down = False
    await eventually(lambda: simulator.stats.samples_written > 0)
    await simulator.stop()
    assert not simulator.running
    # stopped for good: nothing is left on the loop that could tick again
    assert asyncio.all_tasks() == {asyncio.current_task()}


@pytest.mark.asyncio
async def test_run_simulator_runs_until_the_stop_event(stores, monkeypatch):
    made: list[BedsideSimulator] = []

    class Seen(BedsideSimulator):
        def __init__(self, *args, **options) -> None:
            super().__init__(*args, **options)
            made.append(self)

    monkeypatch.setattr("app.simulator.runner.BedsideSimulator", Seen)
    stop = asyncio.Event()
    running = asyncio.create_task(run_simulator(stores, ["south-2"], stop, tick_interval=0.01))
    # ticking, whatever the machine's load; then the stop
    await eventually(lambda: made and made[0].stats.ticks >= 3, 10.0)
    stop.set()
    simulator = await asyncio.wait_for(running, 5)
    assert simulator is made[0] and simulator.stats.ticks >= 3 and not simulator.running


@pytest.mark.asyncio
async def test_a_tick_of_the_whole_hospital_is_cheap(stores, clock):
    simulator = BedsideSimulator(stores, None, clock, rng_seed=7)
    await run_seconds(simulator, clock, 2)
    started = time.process_time()
    await run_seconds(simulator, clock, 20)
    per_tick = (time.process_time() - started) / 20
    assert per_tick < 0.05  # under 5 % of a core at one tick a second, stores included


@pytest.mark.asyncio
async def test_a_restarted_simulator_continues_open_alarms_instead_of_raising_them_again(
        stores, clock):
    first = BedsideSimulator(stores, ["central-1"], clock, rng_seed=2, episodes_per_hour=BUSY)
    await run_seconds(first, clock, 90)
    await first.stop()
    open_before = {(a.bed_id, a.condition) for a in await stores.alerts.active("central")
                   if a.condition_active}
    assert open_before, "no alarm was open when the simulator stopped"

    second = BedsideSimulator(stores, ["central-1"], clock, rng_seed=2, episodes_per_hour=BUSY)
    await run_seconds(second, clock, 30)
    await second.stop()
    # Every alarm the store holds as open is one the running engine will clear when it recovers.
    open_in_store = {a.id for a in await stores.alerts.active("central") if a.condition_active}
    followed = {a.id for a in second.wards["central-1"].engine.open_alarms()}
    assert open_in_store == followed


class WaveformVitals(FlakyVitals):
    """A vitals store that keeps waveform chunks in memory, one list per write call, and whose
    waveform writes can fail on their own (`waves_down`)."""

    def __init__(self, real: VitalsStore) -> None:
        super().__init__(real)
        self.down, self.waves_down = False, False
        self.calls: list[list] = []

    async def write_waveforms(self, chunks):
        if self.waves_down:
            raise StoreUnavailable("vitals server unreachable")
        self.calls.append(list(chunks))


async def run_quarters(simulator: BedsideSimulator, clock, seconds: int) -> None:
    """As the tick loop does: the vitals each second, the waveforms every 250 ms."""
    for _ in range(seconds):
        await simulator.tick()
        for _ in range(4):
            clock.now[0] += 0.25
            await simulator.deliver_waveforms()


@pytest.mark.asyncio
async def test_every_bed_gets_contiguous_ecg_and_pleth_chunks_in_one_write_per_quarter_second(
        stores, clock):
    vitals = WaveformVitals(stores.vitals)
    simulator = BedsideSimulator(dataclasses.replace(stores, vitals=vitals), ["north-1", "south-3"],
                                 clock, rng_seed=1)
    await run_quarters(simulator, clock, 5)
    occupied = await occupied_beds(stores, "north-1") | await occupied_beds(stores, "south-3")
    assert len(vitals.calls) == 4 * 5 - 1  # the strips start at the first quarter-second edge
    for call in vitals.calls:
        assert {(c.bed_id, c.waveform) for c in call} == {(b, w) for b in occupied for w in Waveform}
        assert len({c.start for c in call}) <= 2  # ECG and pleth cut at their own samples
    by_strip: dict = {}
    for chunk in (c for call in vitals.calls for c in call):
        by_strip.setdefault((chunk.bed_id, chunk.waveform), []).append(chunk)
    for (_, waveform), chunks in by_strip.items():
        assert all(b.start == a.end for a, b in itertools.pairwise(chunks))
        assert sum(len(c.values) for c in chunks) == pytest.approx(
            waveform.rate_hz * (len(chunks) * 0.25), abs=1)
    assert simulator.stats.waveform_chunks_written == sum(len(c) for c in vitals.calls)
    # The 1 Hz vitals are as before: one sample per bed per tick.
    assert simulator.stats.samples_written == 5 * len(occupied)


@pytest.mark.asyncio
async def test_waveforms_are_drawn_on_their_own_thread_never_the_loops(stores, clock, monkeypatch):
    drawn_on: list[threading.Thread] = []
    draw_chunks = SimulatedWard.waveform_chunks

    def recorded(ward, now):
        drawn_on.append(threading.current_thread())
        return draw_chunks(ward, now)

    monkeypatch.setattr(SimulatedWard, "waveform_chunks", recorded)
    vitals = WaveformVitals(stores.vitals)
    simulator = BedsideSimulator(dataclasses.replace(stores, vitals=vitals), ["north-1"], clock,
                                 rng_seed=1)
    await run_quarters(simulator, clock, 2)
    assert len(drawn_on) == 8 and vitals.calls  # every delivery drew, and chunks came of it
    assert threading.current_thread() is threading.main_thread()  # the loop's thread is the UI's
    assert {thread.name.split("_")[0] for thread in drawn_on} == {synthesis.THREAD_NAME}
    await simulator.stop()


@pytest.mark.asyncio
async def test_the_live_strips_hear_of_each_delivery_the_store_took_and_of_none_it_refused(
        stores, clock):
    vitals = WaveformVitals(stores.vitals)
    simulator = BedsideSimulator(dataclasses.replace(stores, vitals=vitals), ["north-1"], clock,
                                 rng_seed=1)
    heard: list[int] = []
    simulator.on_waveforms_written(lambda: heard.append(len(vitals.calls)))
    await run_quarters(simulator, clock, 2)
    # told after each write, once per write (the first quarter starts the strips: no chunks)
    assert heard == list(range(1, len(vitals.calls) + 1)) and len(heard) == 7
    vitals.waves_down = True
    await run_quarters(simulator, clock, 1)
    assert len(heard) == 7  # refused: nothing new to read
    await simulator.stop()


@pytest.mark.asyncio
async def test_waveforms_are_dropped_while_the_store_is_down_and_vitals_and_alarms_go_on(
        stores, clock):
    vitals = WaveformVitals(stores.vitals)
    vitals.waves_down = True
    simulator = BedsideSimulator(dataclasses.replace(stores, vitals=vitals), ["central-1"], clock,
                                 rng_seed=2, episodes_per_hour=BUSY)
    await run_quarters(simulator, clock, 30)
    assert vitals.calls == [] and simulator.stats.errors >= 4 * 30 - 1
    assert simulator.stats.samples_written == 30 * len(await occupied_beds(stores, "central-1"))
    assert simulator.stats.alarms_published > 0
    vitals.waves_down = False
    await run_quarters(simulator, clock, 1)
    # Live data: what was refused is not resent, the strips carry on from now.
    assert len(vitals.calls) == 4 and all(len(call) == len(vitals.calls[0]) for call in vitals.calls)
    assert min(c.start for c in vitals.calls[0]) >= T0 + 30


@pytest.mark.asyncio
async def test_the_tick_loop_delivers_waveforms_between_the_vitals(stores):
    vitals = WaveformVitals(stores.vitals)
    stop = asyncio.Event()
    running = asyncio.create_task(run_simulator(
        dataclasses.replace(stores, vitals=vitals), ["south-3"], stop, tick_interval=1.0))
    await eventually(lambda: len(vitals.calls) >= 3, 3.0)
    stop.set()
    simulator = await asyncio.wait_for(running, 2)
    assert simulator.stats.ticks <= 2  # three chunks of 250 ms within the first second or so
    bed = vitals.calls[0][0].bed_id
    ecg = [c for call in vitals.calls for c in call
           if c.waveform is Waveform.ECG_II and c.bed_id == bed]
    assert len(ecg) == len(vitals.calls) and all(b.start == a.end for a, b in itertools.pairwise(ecg))
