"""Vital signs: the interface every vitals backend implements."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence

from stores.model import StoreHealth, VitalSample


class VitalsStore(abc.ABC):
    """Time series of vital signs per bed."""

    @abc.abstractmethod
    async def write(self, samples: Sequence[VitalSample]) -> None:
        """Store a batch of samples (any beds, any order). Rewriting a (bed, time) replaces it."""

    @abc.abstractmethod
    async def latest(self, bed_ids: Iterable[str]) -> dict[str, VitalSample]:
        """The newest sample of each bed that has one; beds with no data are left out."""

    @abc.abstractmethod
    async def history(self, bed_id: str, start: float, end: float) -> list[VitalSample]:
        """One bed's samples with start <= time < end, oldest first."""

    @abc.abstractmethod
    async def recent(self, bed_ids: Iterable[str], since: float) -> dict[str, list[VitalSample]]:
        """Each bed's samples newer than `since`, oldest first (for the tiles' trend lines);
        beds with no such samples are left out."""

    async def prepare(self, create: bool = False) -> list[str]:
        """What the server lacks of this store's schema (database, indexes, constraints, tables),
        in words; with `create`, create it first (idempotent). The embedded store needs none."""
        return []

    @abc.abstractmethod
    async def health(self) -> StoreHealth: ...

    @abc.abstractmethod
    async def close(self) -> None: ...
