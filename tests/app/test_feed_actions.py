"""A person's actions (a save, an acknowledgement) are tasks of their feed: stopping the feed lets
them finish for a moment before cancelling them; and the feeds' wait that a wake-up cuts short."""

from __future__ import annotations

import asyncio

from app.feeds.base import Feed, action
from tests.app.qasync_helpers import run_on_qt_loop


class SavingFeed(Feed):
    def __init__(self) -> None:
        super().__init__()
        self.answer = asyncio.Event()
        self.started = asyncio.Event()
        self.finished: list[str] = []
        self.cancelled: list[str] = []

    @action(str)
    async def save(self, name: str) -> None:
        self.started.set()
        try:
            await self.answer.wait()
        except asyncio.CancelledError:
            self.cancelled.append(name)
            raise
        self.finished.append(name)


def test_stopping_lets_an_action_in_flight_finish(qapp):
    async def scenario() -> SavingFeed:
        feed = SavingFeed()
        feed.save("ada", "an extra argument Qt may pass")  # dropped, as asyncSlot drops it
        await feed.started.wait()
        stopping = asyncio.ensure_future(feed.stop())
        await asyncio.sleep(0)  # the stop is waiting for the action now
        assert not stopping.done()
        feed.answer.set()  # the store answers within the grace
        await stopping
        return feed

    feed = run_on_qt_loop(scenario())
    assert (feed.finished, feed.cancelled) == (["ada"], [])


def test_an_action_that_outlasts_the_grace_is_cancelled(qapp):
    async def scenario() -> SavingFeed:
        feed = SavingFeed()
        feed.action_grace_s = 0.05
        task = feed.save("bo")
        await feed.started.wait()
        await feed.stop()
        assert task.cancelled()
        return feed

    feed = run_on_qt_loop(scenario())
    assert (feed.finished, feed.cancelled) == ([], ["bo"])


def test_a_wake_up_ends_the_wait_and_is_cleared(qapp):
    async def scenario() -> tuple[bool, bool, bool]:
        feed, wake = Feed(), asyncio.Event()
        asyncio.get_running_loop().call_soon(wake.set)
        woken = await feed.wait_or_wake(wake, 60.0)
        cleared = not wake.is_set()
        timed_out = await feed.wait_or_wake(wake, 0.01)
        await feed.stop()
        return woken, cleared, timed_out

    assert run_on_qt_loop(scenario()) == (True, True, False)
