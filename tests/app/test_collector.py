"""What start-up built is frozen out of the garbage collector's walk, again once settled, and
thawed when the station stops; meanwhile garbage is collected on the station's (the UI) thread
only. Freezing is stood in for: freezing the test's own process would keep earlier tests'
garbage (closed loops, Qt objects) until a thaw let a later collection free it."""

from __future__ import annotations

import asyncio
import gc as real_gc
import threading

import pytest

from app import collector
from tests.waiting import eventually


class Collector:
    """The real gc, but its freeze and unfreeze only counted."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def freeze(self) -> None:
        self.calls.append("freeze")

    def unfreeze(self) -> None:
        self.calls.append("unfreeze")

    def __getattr__(self, name):
        return getattr(real_gc, name)


@pytest.fixture
def gc(monkeypatch):
    fake = Collector()
    monkeypatch.setattr(collector, "gc", fake)
    enabled = real_gc.isenabled()
    yield fake
    (real_gc.enable if enabled else real_gc.disable)()


@pytest.mark.asyncio
async def test_start_up_is_frozen_now_and_once_settled_and_thawed_at_stop(gc, monkeypatch):
    monkeypatch.setattr(collector, "SETTLED_S", 0.05)
    frozen = collector.Frozen()
    assert gc.calls == ["freeze"]  # at once
    await eventually(lambda: gc.calls == ["freeze", "freeze"], 2.0)  # and once settled
    frozen.thaw()
    assert gc.calls == ["freeze", "freeze", "unfreeze"]


@pytest.mark.asyncio
async def test_a_station_stopped_before_it_settled_is_not_frozen_again(gc):
    frozen = collector.Frozen()
    frozen.thaw()
    assert gc.calls == ["freeze", "unfreeze"] and frozen.again.cancelled()


class Cycle:
    """Garbage only the cyclic collector frees; says on which thread it was freed."""

    def __init__(self, freed_on: list[int]) -> None:
        self.me, self.freed_on = self, freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


def garbage_then_allocations(freed_on: list[int]) -> list:
    """A cycle made garbage, then enough allocations kept alive to set the collector off on
    this thread, where it is on."""
    Cycle(freed_on)
    return [[] for _ in range(10 * real_gc.get_threshold()[0])]


@pytest.mark.asyncio
@pytest.mark.parametrize("enabled_before", [True, False])
async def test_garbage_made_on_another_thread_is_collected_on_the_stations(gc, enabled_before):
    (real_gc.enable if enabled_before else real_gc.disable)()
    real_gc.collect()
    freed_on: list[int] = []
    frozen = collector.Frozen()
    try:
        kept = await asyncio.to_thread(garbage_then_allocations, freed_on)

        await eventually(lambda: freed_on, 5.0, "the cycle collected")
        assert freed_on == [threading.get_ident()]
    finally:
        frozen.thaw()
    assert real_gc.isenabled() is enabled_before and kept


def test_left_to_itself_the_collector_runs_on_the_thread_that_allocates(gc):
    """What the station's collection on its own thread prevents (the test above shows it)."""
    real_gc.enable()
    real_gc.collect()
    freed_on: list[int] = []
    worker = threading.Thread(target=garbage_then_allocations, args=(freed_on,))
    worker.start()
    worker.join()
    assert freed_on == [worker.ident]


def test_only_what_is_due_is_collected(gc):
    real_gc.disable()
    real_gc.collect()
    assert collector.collect_due() == -1  # nothing allocated since
    kept = [[] for _ in range(2 * real_gc.get_threshold()[0])]
    assert collector.collect_due() == 0 and kept
