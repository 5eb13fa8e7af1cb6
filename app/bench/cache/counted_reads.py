"""A store whose reads are counted: how `bench cache` (and the cache's tests) tell the reads that
reach the patient and network stores from those the cache answered."""

from __future__ import annotations

from typing import Any

READS = frozenset({"beds", "search", "get", "audit_log", "clinicians", "care_team"})


class CountedReads:
    """A store whose reads are counted in `reads`; everything else passes through."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.reads = 0

    def __getattr__(self, name: str) -> Any:  # whatever the store has
        attribute = getattr(self._inner, name)
        if name not in READS:
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.reads += 1
            return await attribute(*args, **kwargs)

        return counted
