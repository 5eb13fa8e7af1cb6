"""What start-up built is frozen out of the garbage collector's walk, and again once settled."""

from __future__ import annotations

import gc

import pytest

from app import collector
from tests.waiting import eventually


class Built:
    """Something start-up or the first data made, in a cycle (the collector would walk it)."""

    def __init__(self) -> None:
        self.me = self


@pytest.mark.asyncio
async def test_start_up_is_frozen_now_and_what_came_after_once_settled(monkeypatch):
    monkeypatch.setattr(collector, "SETTLED_S", 0.05)
    before = gc.get_freeze_count()
    try:
        collector.freeze_after_start_up()
        at_start = gc.get_freeze_count()
        assert at_start > before
        first_data = [Built() for _ in range(1000)]
        await eventually(lambda: gc.get_freeze_count() >= at_start + len(first_data), 2.0)
        assert not any(obj is first_data[0] for obj in gc.get_objects())  # out of the walk
    finally:
        gc.unfreeze()  # the test process is left as it was
