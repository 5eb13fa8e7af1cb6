"""Stopping tasks for sure: a cancellation a library swallows is asked for again."""

from __future__ import annotations

import asyncio

import pytest

from app.tasks import cancel_and_wait, raise_if_cancelled

pytestmark = pytest.mark.asyncio


async def test_a_task_that_swallows_a_cancellation_is_stopped_anyway():
    rounds = []

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:  # as a driver's timeout handling does, now and then
                rounds.append("swallowed")
                if len(rounds) > 1:
                    raise

    task = asyncio.ensure_future(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait([task], patience_s=0.05), 2.0)
    assert task.cancelled() and rounds == ["swallowed", "swallowed"]


async def test_an_error_caught_while_cancelling_becomes_the_cancellation_again():
    async def loop_that_catches_errors() -> None:
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                try:
                    raise ConnectionError("driver: operation timed out")  # what it became
                except ConnectionError:
                    raise_if_cancelled()

    task = asyncio.ensure_future(loop_that_catches_errors())
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait_for(asyncio.wait({task}), 1.0)
    assert task.cancelled()


async def test_not_cancelled_is_a_no_op():
    raise_if_cancelled()
