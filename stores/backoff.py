"""Pauses between retries: growing, capped, and jittered, so that stations that lost a server
together do not all knock on it again at the same instant when it comes back."""

from __future__ import annotations

import random
from collections.abc import Callable


def backoff_s(attempt: int, first_s: float, cap_s: float,
              rng: Callable[[], float] = random.random) -> float:
    """The pause before retry number `attempt` (0 for the first retry): the ceiling doubles
    from `first_s` up to `cap_s`; the pause lies between half the ceiling and the ceiling.

    Half is kept fixed ("equal jitter") rather than jittering from zero: a retry loop that fails
    at once must never spin, and a station must not wait much less than it was told to."""
    ceiling = min(cap_s, first_s * 2.0 ** min(max(attempt, 0), 32))
    return ceiling / 2.0 + rng() * ceiling / 2.0
