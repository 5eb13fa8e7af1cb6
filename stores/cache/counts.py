"""What the cache did for one scope's reads: hits, misses, reads that went straight to the store,
entries refused; and what is yet to be added to the region's figures in Redis."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)
LOG_EVERY_S = 10.0  # a flood of bad entries is logged once in a while, not line by line


@dataclass
class ReadCounts:
    hits: int = 0
    misses: int = 0  # looked up, not found (or refused), read from the store and kept
    bypassed: int = 0  # read from the store without looking: the cache was not in use
    refused: int = 0  # entries found but not taken (`stores.cache.entries.Refused`)
    last_refusal: str = ""
    failed: int = 0  # calls to Redis that failed (a miss, or an answer not kept)
    last_failure: str = ""
    unsent: tuple[int, int] = (0, 0)  # (reads, hits) not yet added to the region's figures
    _logged_at: float = -LOG_EVERY_S

    @property
    def reads(self) -> int:
        return self.hits + self.misses + self.bypassed

    @property
    def store_reads(self) -> int:
        """The reads that reached the store."""
        return self.misses + self.bypassed

    def count(self, hit: bool) -> None:
        reads, hits = self.unsent
        self.unsent = (reads + 1, hits + hit)

    def refuse(self, region: str, why: str) -> None:
        self.refused += 1
        self.last_refusal = why
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_S:
            self._logged_at = now
            log.warning("cache of region %s: refused an entry (%s); %d refused so far",
                        region, why, self.refused)

    def fail(self, region: str, why: str) -> None:
        self.failed += 1
        self.last_failure = why
        log.debug("cache of region %s: a call failed (%s)", region, why)

    def take_unsent(self) -> tuple[int, int]:
        unsent, self.unsent = self.unsent, (0, 0)
        return unsent
