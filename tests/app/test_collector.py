"""The station's garbage-collection policy: what start-up built is frozen out of the collector's
walk (again once settled), the automatic collector is off and the loop's thread runs every
collection, and all is as it was when the station stops.

Most tests stand in for the collector (freezing the test's own process would keep earlier
tests' garbage); one runs the real one, to see a cycle made on another thread freed on the
loop's."""

from __future__ import annotations

import gc as real_gc
import threading

import pytest

from app import collector
from tests.waiting import eventually


class Collector:
    """gc's calls counted, its counts set by the test."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.counts = (0, 0, 0)
        self.enabled = True

    def freeze(self) -> None:
        self.calls.append("freeze")

    def unfreeze(self) -> None:
        self.calls.append("unfreeze")

    def isenabled(self) -> bool:
        return self.enabled

    def disable(self) -> None:
        self.enabled = False

    def enable(self) -> None:
        self.enabled = True

    def get_threshold(self) -> tuple[int, int, int]:
        return (700, 10, 10)

    def get_count(self) -> tuple[int, int, int]:
        return self.counts

    def collect(self, generation: int) -> int:
        self.calls.append(f"collect {generation}")
        self.counts = (0, 0, 0)
        return 0


@pytest.fixture
def stand_in(monkeypatch):
    gc = Collector()
    monkeypatch.setattr(collector, "gc", gc)
    return gc


@pytest.mark.asyncio
async def test_start_up_is_frozen_now_and_once_settled_and_thawed_at_stop(stand_in, monkeypatch):
    monkeypatch.setattr(collector, "SETTLED_S", 0.05)
    policy = collector.UiThreadCollector()
    assert stand_in.calls == ["freeze"] and not stand_in.enabled  # at once
    await eventually(lambda: stand_in.calls == ["freeze", "freeze"], 2.0)  # and once settled
    policy.end()
    assert stand_in.calls == ["freeze", "freeze", "unfreeze"] and stand_in.enabled


@pytest.mark.asyncio
async def test_a_station_stopped_before_it_settled_is_not_frozen_again(stand_in):
    policy = collector.UiThreadCollector()
    policy.end()
    assert stand_in.calls == ["freeze", "unfreeze"]
    assert policy._again.cancelled() and policy._next.cancelled()


@pytest.mark.asyncio
async def test_a_collector_that_was_off_stays_off_after_the_station(stand_in):
    stand_in.enabled = False
    collector.UiThreadCollector().end()
    assert not stand_in.enabled


@pytest.mark.parametrize(("counts", "generation"), [
    ((701, 0, 0), 0), ((701, 11, 0), 1), ((701, 11, 11), 2), ((701, 5, 11), 0)])
@pytest.mark.asyncio
async def test_the_oldest_generation_past_its_threshold_is_collected(stand_in, counts,
                                                                    generation):
    policy = collector.UiThreadCollector(check_s=0.001)
    stand_in.counts = counts
    try:
        await eventually(lambda: sum(policy.collections), 2.0, "a collection")
    finally:
        policy.end()
    assert f"collect {generation}" in stand_in.calls
    assert policy.collections[generation] == 1


@pytest.mark.asyncio
async def test_nothing_is_collected_below_the_thresholds(stand_in):
    checks = []
    policy = collector.UiThreadCollector(check_s=0.001)
    real_check = policy._check
    policy._check = lambda: (checks.append(1), real_check())  # type: ignore[method-assign]
    stand_in.counts = (700, 10, 10)
    try:
        await eventually(lambda: len(checks) >= 3, 2.0, "three checks")
    finally:
        policy.end()
    assert policy.collections == [0, 0, 0]


@pytest.mark.asyncio
async def test_a_cycle_dropped_on_another_thread_is_freed_on_the_loops_thread():
    freed_on: list[int] = []
    CYCLES = 2000  # noqa: N806

    class Node:
        def __del__(self) -> None:
            freed_on.append(threading.get_ident())

    def make_garbage() -> None:
        for _ in range(CYCLES):  # past the threshold: the automatic collector would run here
            node = Node()
            node.me = node  # a cycle: only a collection frees it
            del node

    real_gc.collect()
    policy = collector.UiThreadCollector(check_s=0.01)
    try:
        worker = threading.Thread(target=make_garbage)
        worker.start()
        worker.join()
        await eventually(lambda: len(freed_on) == CYCLES, 10.0, "the cycles freed")
    finally:
        policy.end()
        real_gc.collect()
    assert set(freed_on) == {threading.get_ident()}
