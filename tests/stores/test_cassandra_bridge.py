"""The bridge from the Cassandra driver's futures (answered on its own threads) to asyncio."""

from __future__ import annotations

import asyncio
import time

import pytest
import pytest_asyncio
from cassandra import OperationTimedOut, Unavailable
from cassandra.cluster import NoHostAvailable
from cassandra.query import SimpleStatement

from stores.analytics.cassandra_bridge import execute, gather_limited
from tests.stores.cassandra_driver_fake import FakeSession

pytestmark = pytest.mark.asyncio
QUERY = SimpleStatement("SELECT ward FROM t WHERE region = %s", fetch_size=2)


@pytest.fixture
def session():
    fake = FakeSession()
    yield fake
    fake.close()
    assert not fake.io.errors


@pytest_asyncio.fixture
async def strict_loop():
    """Debug mode: the loop raises when touched from another thread than its own."""
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    yield loop
    loop.set_debug(False)


async def test_pages_answered_on_the_driver_thread_reach_the_loop(session, strict_loop):
    # answered late enough that the loop is already waiting when the page comes
    session.answer("SELECT ward", [{"ward": "a"}, {"ward": "b"}], [{"ward": "c"}], delay_s=0.05)

    rows = await execute(session, QUERY, ["north"])

    assert rows == [{"ward": "a"}, {"ward": "b"}, {"ward": "c"}]
    assert session.sent[0].pages_asked == 2


async def test_pages_each_just_in_time_are_cut_off_at_the_total_deadline(session, strict_loop):
    session.answer("SELECT ward", *([{"ward": "a"}, {"ward": "b"}] for _ in range(20)),
                   delay_s=0.1)
    started = time.monotonic()

    with pytest.raises(OperationTimedOut, match="no complete answer within 0.6 s"):
        await execute(session, QUERY, ["north"], timeout_s=0.15)
    assert time.monotonic() - started < 1.5


async def test_an_error_answered_on_the_driver_thread_is_raised_on_the_loop(session, strict_loop):
    session.answer("SELECT ward", error=Unavailable("not enough", 6, 2, 1), delay_s=0.05)

    with pytest.raises(Unavailable):
        await execute(session, QUERY, ["north"])


async def test_an_answer_given_before_execute_async_returns_is_not_lost(session, strict_loop):
    session.answer("SELECT ward", error=NoHostAvailable("no host up", {}), at_once=True)

    with pytest.raises(NoHostAvailable):
        await execute(session, QUERY, ["north"])


async def test_a_write_answers_with_no_rows(session):
    assert await execute(session, SimpleStatement("INSERT INTO t (a) VALUES (1)")) == []


async def test_a_missing_answer_times_out_instead_of_hanging(session):
    session.answer("SELECT ward", never=True)
    started = time.monotonic()

    with pytest.raises(OperationTimedOut):
        await execute(session, QUERY, ["north"], timeout_s=0.1)

    assert time.monotonic() - started < 1.0


async def test_an_answer_after_the_caller_gave_up_is_dropped(session, strict_loop):
    session.answer("SELECT ward", [{"ward": "late"}], delay_s=0.2)

    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(execute(session, QUERY, ["north"]), 0.05)
    await session.io.drained()  # the late page came; the session fixture checks nothing broke


async def test_gather_limited_keeps_the_order_and_the_limit():
    running, most = 0, 0

    async def call(n: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01 * (5 - n))
        running -= 1
        return n

    results = await gather_limited([lambda n=n: call(n) for n in range(5)], limit=2)

    assert (results, most) == ([0, 1, 2, 3, 4], 2)
