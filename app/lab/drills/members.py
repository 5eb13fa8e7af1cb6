"""The members of the lab's MongoDB replica set as they answer for themselves (`hello`), asked
every quarter second off the loop: who is primary since when, each change said as a step. For
`lab drill mongo-primary`; a member that does not answer within a second counts as not primary.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from app.lab.node import LabNode
from app.lab.state import LabError

POLL_S = 0.25
ANSWER_MS = 1000


class Members:
    def __init__(self, nodes: list[LabNode], say: Callable[[str], None]) -> None:
        self.primaries: list[tuple[float, str]] = []  # (monotonic, the member's name), changes
        self._nodes, self._say = nodes, say
        self._clients: dict[str, object] = {}
        self._task: asyncio.Task | None = None

    async def primary_node(self) -> LabNode:
        """The member that says it is primary now; LabError if none does."""
        name = await asyncio.to_thread(self._primary)
        node = next((node for node in self._nodes if node.name == name), None)
        if node is None:
            raise LabError("no member of the lab's replica set says it is primary "
                           "(`ward-station lab status`)")
        return node

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for client in self._clients.values():
            client.close()  # type: ignore[attr-defined]

    def other_primary(self, old: LabNode, after: float) -> tuple[float, str] | None:
        """When a member other than `old` first answered as primary after `after`, and which."""
        return next(((at, name) for at, name in self.primaries
                     if at >= after and name != old.name), None)

    async def _watch(self) -> None:
        last = None
        while True:
            name = await asyncio.to_thread(self._primary)
            if name != last:
                self.primaries.append((time.monotonic(), name or ""))
                self._say(f"mongo: {name} answers as primary" if name
                          else "mongo: no member answers as primary")
                last = name
            await asyncio.sleep(POLL_S)

    def _primary(self) -> str | None:
        for node in self._nodes:
            try:
                if self._client(node).admin.command("hello").get("isWritablePrimary"):
                    return node.name
            except Exception:  # noqa: BLE001 - down, frozen or electing: not primary
                continue
        return None

    def _client(self, node: LabNode):
        if node.name not in self._clients:
            import pymongo

            self._clients[node.name] = pymongo.MongoClient(
                node.address, node.port, directConnection=True,
                serverSelectionTimeoutMS=ANSWER_MS, socketTimeoutMS=ANSWER_MS,
                connectTimeoutMS=ANSWER_MS)
        return self._clients[node.name]

    @staticmethod
    def step_down(node: LabNode, seconds: int) -> None:
        """Ask the primary `node` to step down and not stand again for `seconds`."""
        import pymongo
        from pymongo.errors import AutoReconnect

        with pymongo.MongoClient(node.address, node.port, directConnection=True,
                                 serverSelectionTimeoutMS=5000) as client:
            try:
                client.admin.command("replSetStepDown", seconds)
            except AutoReconnect:
                pass  # older servers drop their connections as they step down
