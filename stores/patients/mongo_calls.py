"""How the MongoDB patient store makes a call: bounded in time, with the driver's errors turned
into the store's, and a change in one transaction where the server has transactions."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pymongo
from pymongo.asynchronous.client_session import AsyncClientSession

from stores.errors import StoreUnavailable
from stores.patients.mongo_client import Client
from stores.patients.mongo_errors import translated
from stores.urls import StoreUrl

T = TypeVar("T")
Session = AsyncClientSession | None


class Calls:
    def __init__(self, client: Client, url: StoreUrl) -> None:
        self.client = client
        self.url = url
        self.transactions: bool | None = None  # learnt from the server's hello
        self.closed = False

    @contextlib.asynccontextmanager
    async def guard(self, seconds: float | None = None) -> AsyncIterator[None]:
        """Driver errors become StoreUnavailable, and the whole call, all its round trips and
        retries (a transaction's too), gets the client's timeoutMS (or `seconds`) at most."""
        if self.closed:
            raise StoreUnavailable("closed")
        with pymongo.timeout(seconds or self.client.options.timeout or None):
            async with translated(self.client, self.url):
                yield

    async def in_transaction(self, work: Callable[[Session], Awaitable[T]]) -> T:
        """`work(session)` in one transaction, or `work(None)` on a server without them."""
        if not await self.supports_transactions():
            return await work(None)
        async with self.client.start_session() as session:
            # Read and write concerns come from the client (majority, journaled); retried on
            # transient errors (a failover, a write conflict) until the call's deadline.
            return await session.with_transaction(work)

    async def supports_transactions(self) -> bool:
        """Replica-set members, mongos and load balancers run transactions; a standalone does
        not. Asked of the server rather than tried: a wire-compatible standalone (nx-27017)
        accepts transactions without isolating them from other clients."""
        if self.transactions is None:
            hello = await self.client.admin.command("hello")
            self.transactions = bool(hello.get("setName") or hello.get("msg") == "isdbgrid"
                                     or hello.get("serviceId"))
        return self.transactions

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            await self.client.close()
