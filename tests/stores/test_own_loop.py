"""A store's calls on a loop of their own (stores.own_loop, stores.vitals.own_loop): they run on
that thread, answer or raise as they would, are cancelled with their caller, and the store says
"closed" once closed."""

from __future__ import annotations

import asyncio
import threading

import pytest

from stores.errors import StoreUnavailable
from stores.model import HealthState, StoreHealth, VitalTrend
from stores.own_loop import OwnLoop
from stores.vitals import VitalsStore
from stores.vitals.own_loop import VitalsOnOwnLoop

pytestmark = pytest.mark.asyncio


async def test_a_call_runs_on_the_loops_thread_and_answers_its_caller():
    loop = OwnLoop("test-loop")
    try:
        async def where() -> str:
            await asyncio.sleep(0)
            return threading.current_thread().name

        assert await loop.run(where()) == "test-loop"
        assert threading.current_thread().name != "test-loop"
    finally:
        loop.stop()
    assert not loop.thread.is_alive()


async def test_an_exception_reaches_the_caller_as_raised():
    loop = OwnLoop("test-loop")
    try:
        async def refuse() -> None:
            raise StoreUnavailable("cannot reach db:8086: connection refused")

        with pytest.raises(StoreUnavailable, match="connection refused"):
            await loop.run(refuse())
    finally:
        loop.stop()


async def test_cancelling_the_caller_cancels_the_call_on_its_loop():
    loop = OwnLoop("test-loop")
    started, cancelled = threading.Event(), threading.Event()

    async def slow() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    try:
        caller = asyncio.ensure_future(loop.run(slow()))
        assert await asyncio.to_thread(started.wait, 10)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert await asyncio.to_thread(cancelled.wait, 10)
    finally:
        loop.stop()


async def test_a_call_left_running_at_stop_is_cancelled_and_cleans_up():
    loop = OwnLoop("test-loop")
    started, cleaned = threading.Event(), threading.Event()

    async def forgotten() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            cleaned.set()

    caller = asyncio.ensure_future(loop.run(forgotten()))
    assert await asyncio.to_thread(started.wait, 10)
    loop.stop()
    assert cleaned.is_set() and not loop.thread.is_alive()
    caller.cancel()


class Recorder(VitalsStore):
    """A vitals store that notes the thread of each call."""

    def __init__(self) -> None:
        self.threads: list[str] = []
        self.closed = False

    def _here(self) -> None:
        self.threads.append(threading.current_thread().name)

    async def write(self, samples):
        self._here()

    async def write_waveforms(self, chunks):
        self._here()

    async def waveforms(self, bed_ids, since, waveform=None):
        self._here()
        return {bed: [] for bed in bed_ids}

    async def trend(self, bed_id, start, end, buckets):
        self._here()
        return VitalTrend(bed_id, start, end, 60.0, {}, {}, {})

    async def latest(self, bed_ids):
        self._here()
        return {}

    async def history(self, bed_id, start, end):
        self._here()
        return []

    async def recent(self, bed_ids, since):
        self._here()
        return {}

    async def health(self):
        self._here()
        state = HealthState.DOWN if self.closed else HealthState.UP
        return StoreHealth("vitals", "recorder", state)

    async def close(self):
        self._here()
        self.closed = True


async def test_every_call_of_the_vitals_store_runs_on_its_own_thread_then_closed_says_so():
    inner = Recorder()
    store = VitalsOnOwnLoop(inner, "vitals-loop")
    beds = (bed for bed in ["b1", "b2"])  # an iterator, consumed once, on whichever thread

    assert await store.waveforms(beds, 0.0) == {"b1": [], "b2": []}
    await store.write([])
    await store.write_waveforms([])
    await store.trend("b1", 0.0, 60.0, 1)
    await store.latest(["b1"])
    await store.history("b1", 0.0, 1.0)
    await store.recent(["b1"], 0.0)
    assert (await store.health()).state is HealthState.UP
    await store.close()
    await store.close()  # twice: nothing more

    assert inner.threads == ["vitals-loop"] * 9
    with pytest.raises(StoreUnavailable, match="closed"):
        await store.trend("b1", 0.0, 60.0, 1)
    assert (await store.health()).state is HealthState.DOWN  # never raises
