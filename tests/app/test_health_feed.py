"""The health feed: every store's latest answer each round; a store whose check hangs (a frozen
server) keeps its last answer until its check times out, and holds up no other store."""

from __future__ import annotations

import asyncio

from app.feeds.health import HealthFeed
from stores.model import HealthState, StoreHealth
from tests.app.qasync_helpers import run_on_qt_loop
from tests.waiting import eventually


class Store:
    def __init__(self, name: str) -> None:
        self.name, self.asked = name, 0
        self.answering = asyncio.Event()
        self.answering.set()

    async def health(self) -> StoreHealth:
        self.asked += 1
        await self.answering.wait()
        return StoreHealth(self.name, "fake", HealthState.UP, latency_ms=float(self.asked))


class Stores:
    def __init__(self, *names: str) -> None:
        self.stores = {name: Store(name) for name in names}

    def by_name(self) -> dict[str, Store]:
        return self.stores


def test_a_store_that_stops_answering_holds_up_no_other_and_is_down_after_its_timeout(qapp):
    async def scenario() -> list[list[StoreHealth]]:
        stores = Stores("vitals", "alerts")
        feed = HealthFeed(stores, refresh_s=0.05, check_timeout_s=0.5)
        rounds: list[list[StoreHealth]] = []
        feed.health_changed.connect(rounds.append)
        feed.start()
        try:
            await eventually(lambda: rounds, 5, "a first round")
            frozen = stores.stores["alerts"]
            frozen.answering.clear()
            asked = frozen.asked
            # rounds go on with the vitals answered anew and the alarm bus's last answer...
            await eventually(lambda: stores.stores["vitals"].asked >= asked + 5, 5,
                             "five more checks of the vitals")
            # ...until its check times out
            await eventually(lambda: rounds[-1][1].state is HealthState.DOWN, 5, "DOWN")
            return rounds
        finally:
            await feed.stop()

    rounds = run_on_qt_loop(scenario())
    assert all([h.store for h in found] == ["vitals", "alerts"] for found in rounds)
    held = [found[1] for found in rounds if found[1].state is HealthState.UP]
    assert len(held) > len({h.latency_ms for h in held}), "its last answer was shown again"
    assert rounds[-1][1].reason == "no answer within 0.5 s"
