"""The alarm channel's watch gives the bus its answer time in the station's loop time: a loop
stalled by a window being built is not a lost channel, a bus that never answers still is."""
from __future__ import annotations

import asyncio
import itertools
import time

from app.feeds.alarm_channel import CHANNEL_ANSWER_S, ChannelWatch
from stores.model import HealthState, StoreHealth
from tests.app.qasync_helpers import run_on_qt_loop

UP = StoreHealth("alerts", "redis", HealthState.UP)


class SlowBus:
    """Answers its health after a few turns of the loop, or once `release` is set."""

    def __init__(self, turns: int = 3, release: asyncio.Event | None = None):
        self.turns, self.release, self.answers = turns, release, 0

    async def health(self) -> StoreHealth:
        for _ in range(self.turns):
            await asyncio.sleep(0.05)
        if self.release is not None:
            await self.release.wait()
        self.answers += 1
        return UP

    def channel_problem(self, region):
        return None


def spawn(coroutine):
    return asyncio.get_running_loop().create_task(coroutine)


def stall_the_loop(times: int, each_s: float, done: list[int]) -> None:
    """Block the loop `times` times for `each_s` (a window being built), a moment apart."""
    def block():
        time.sleep(each_s)
        done.append(1)
        if len(done) < times:
            asyncio.get_running_loop().call_later(0.05, block)
    asyncio.get_running_loop().call_soon(block)


def test_a_stalled_loop_is_not_a_lost_channel(qapp):
    stall_s, stalls = 0.7, 5    # the loop is blocked longer than the limit, in wall time

    async def scenario():
        bus, stalled = SlowBus(turns=stalls - 1), []
        watch = ChannelWatch(bus, "north", spawn)
        stall_the_loop(stalls, stall_s, stalled)
        started = time.monotonic()
        reason = await watch.down_reason()
        return reason, bus.answers, time.monotonic() - started, len(stalled)

    reason, answers, took_s, stalled = run_on_qt_loop(scenario())
    assert took_s > CHANNEL_ANSWER_S or stalled * stall_s > CHANNEL_ANSWER_S, (took_s, stalled)
    assert reason is None, reason
    assert answers == 1


def test_a_bus_that_never_answers_is_the_channel_lost_then_its_late_answer_ends_it(qapp):
    ticks = itertools.count(step=1.0)   # each step of the wait counts its most (the loop ran)

    async def scenario():
        release = asyncio.Event()
        bus = SlowBus(turns=0, release=release)
        watch = ChannelWatch(bus, "north", spawn, clock=lambda: next(ticks))
        lost = await watch.down_reason()
        release.set()
        back = await watch.down_reason()   # the same check, answered at last
        return lost, back, bus.answers

    lost, back, answers = run_on_qt_loop(scenario())
    assert lost == f"the alarm bus gave no answer within {CHANNEL_ANSWER_S:.0f} s"
    assert back is None
    assert answers == 1
