"""A recording stand-in for the part of `neo4j.AsyncDriver` the care network uses: sessions with
managed transactions (`execute_read`/`execute_write`), `tx.run(query, parameters)` and
`result.data()`. Each query is answered from a script; everything sent is recorded.

It stands in for the third-party driver only (no Neo4j server can run here); the adapter's own
code runs for real. `test_the_fake_has_only_what_the_real_driver_has` keeps it honest.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Keyword arguments the real `AsyncDriver.session` takes that the adapter may use.
SESSION_KEYS = {"database", "bookmark_manager", "default_access_mode", "bookmarks",
                "fetch_size", "impersonated_user"}
Answer = list[dict[str, Any]] | BaseException | Callable[[dict[str, Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Sent:
    """One query as the server would have received it."""

    query: str
    parameters: dict[str, Any]
    access: str  # "read" (routed to a reader) or "write" (routed to the leader)
    database: str | None
    transaction: int  # queries of one transaction share this number
    session: dict[str, Any] = field(compare=False)


class FakeNeo4jDriver:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.sessions: list[dict[str, Any]] = []
        self.closed = 0
        self.unreachable: BaseException | None = None  # raised when a transaction starts
        self.stall_s = 0.0  # a silent server: each transaction waits this long first
        self._answers: dict[str, Answer] = {}
        self._transactions = itertools.count(1)

    def answer(self, query: str, answer: Answer) -> None:
        """What the server says to `query`: rows, an error to raise, or f(parameters)."""
        self._answers[query] = answer

    def session(self, **config: Any) -> _Session:
        unknown = set(config) - SESSION_KEYS
        assert not unknown, f"AsyncDriver.session takes no {unknown}"
        self.sessions.append(config)
        return _Session(self, config)

    async def close(self) -> None:
        self.closed += 1

    def queries(self) -> list[str]:
        return [sent.query for sent in self.sent]

    def _reply(self, query: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self._answers.get(query, [])
        if isinstance(answer, BaseException):
            raise answer
        return answer(parameters) if callable(answer) else answer


class _Session:
    def __init__(self, driver: FakeNeo4jDriver, config: dict[str, Any]) -> None:
        self._driver = driver
        self._config = config

    async def __aenter__(self) -> _Session:
        return self

    async def __aexit__(self, *exc_info: object) -> bool:
        return False

    async def execute_read(self, work, *args, **kwargs):
        return await self._execute("read", work, *args, **kwargs)

    async def execute_write(self, work, *args, **kwargs):
        return await self._execute("write", work, *args, **kwargs)

    async def _execute(self, access: str, work, *args, **kwargs):
        if self._driver.stall_s:
            await asyncio.sleep(self._driver.stall_s)
        if self._driver.unreachable is not None:
            raise self._driver.unreachable
        tx = _Transaction(self._driver, self._config, access, next(self._driver._transactions))
        return await work(tx, *args, **kwargs)


class _Transaction:
    def __init__(self, driver: FakeNeo4jDriver, config: dict[str, Any], access: str,
                 number: int) -> None:
        self._driver, self._config, self._access, self._number = driver, config, access, number

    async def run(self, query: str, parameters: dict[str, Any] | None = None,
                  **kwparameters: Any) -> _Result:
        bound = {**(parameters or {}), **kwparameters}
        self._driver.sent.append(Sent(query, bound, self._access, self._config.get("database"),
                                      self._number, self._config))
        return _Result(self._driver._reply(query, bound))


class _Result:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self._rows = rows

    async def data(self, *keys: str) -> list[dict[str, Any]]:
        return [dict(row) for row in self._rows]
