"""What start-up built is frozen out of the garbage collector's walk, again once settled, and
thawed when the station stops."""

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
async def test_start_up_is_frozen_now_what_came_after_once_settled_and_all_thawed_at_stop(
        monkeypatch):
    monkeypatch.setattr(collector, "SETTLED_S", 0.05)
    frozen = None
    try:
        frozen = collector.Frozen()
        at_start = gc.get_freeze_count()
        assert at_start > 0
        first_data = [Built() for _ in range(1000)]
        await eventually(lambda: gc.get_freeze_count() >= at_start + len(first_data), 2.0)
        assert not any(obj is first_data[0] for obj in gc.get_objects())  # out of the walk
    finally:
        if frozen is not None:
            frozen.thaw()
    assert gc.get_freeze_count() == 0 and frozen.again.cancelled()
    assert any(obj is first_data[0] for obj in gc.get_objects())  # walked again
