"""What every store shares, whatever its kind: schema check, health, close."""

from __future__ import annotations

import abc

from stores.model import StoreHealth


class Store(abc.ABC):
    """The base of the five store interfaces (vitals, patients, network, analytics, alerts)."""

    async def prepare(self, create: bool = False) -> list[str]:
        """What the server lacks of this store's schema (database, indexes, constraints, tables),
        in words; with `create`, create it first (idempotent). The embedded store needs none."""
        return []

    @abc.abstractmethod
    async def health(self) -> StoreHealth:
        """State (up, degraded, down), round trip and, where the driver knows them, the nodes."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release the connections; the store is not used again."""
