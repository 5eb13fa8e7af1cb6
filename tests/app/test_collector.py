"""What start-up built is frozen out of the garbage collector's walk, again once settled, and
thawed when the station stops. The collector itself is stood in for: freezing the test's own
process would keep earlier tests' garbage (closed loops, Qt objects) until a thaw let a later
collection free it on whichever thread ran it."""

from __future__ import annotations

import pytest

from app import collector
from tests.waiting import eventually


class Collector:
    """gc's freeze and unfreeze, counted."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def freeze(self) -> None:
        self.calls.append("freeze")

    def unfreeze(self) -> None:
        self.calls.append("unfreeze")


@pytest.mark.asyncio
async def test_start_up_is_frozen_now_and_once_settled_and_thawed_at_stop(monkeypatch):
    gc = Collector()
    monkeypatch.setattr(collector, "gc", gc)
    monkeypatch.setattr(collector, "SETTLED_S", 0.05)
    frozen = collector.Frozen()
    assert gc.calls == ["freeze"]  # at once
    await eventually(lambda: gc.calls == ["freeze", "freeze"], 2.0)  # and once settled
    frozen.thaw()
    assert gc.calls == ["freeze", "freeze", "unfreeze"]


@pytest.mark.asyncio
async def test_a_station_stopped_before_it_settled_is_not_frozen_again(monkeypatch):
    gc = Collector()
    monkeypatch.setattr(collector, "gc", gc)
    frozen = collector.Frozen()
    frozen.thaw()
    assert gc.calls == ["freeze", "unfreeze"] and frozen.again.cancelled()
