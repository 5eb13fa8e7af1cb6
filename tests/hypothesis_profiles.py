"""Hypothesis example budgets: "quick" by default, so that a run of the suite stays short;
HYPOTHESIS_PROFILE=thorough for twenty times the examples (a nightly or a pre-release run)."""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import settings

QUICK_EXAMPLES = 50
settings.register_profile("quick", max_examples=QUICK_EXAMPLES, deadline=timedelta(seconds=1))
# A long run on a busy machine: the deadline catches a pathological input, not a slow moment.
settings.register_profile("thorough", max_examples=20 * QUICK_EXAMPLES,
                          deadline=timedelta(seconds=5))


def load_profile() -> None:
    """Load the profile HYPOTHESIS_PROFILE names ("quick" when unset)."""
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def examples(share: float) -> int:
    """`share` of the loaded profile's examples (at least one), for a test whose every example
    is costly: a server round trip, a database file."""
    return max(1, round(settings().max_examples * share))
