"""Summaries of measured times: percentiles as a benchmark reports them."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-th percentile (0-100) by linear interpolation between ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    below, above = math.floor(rank), math.ceil(rank)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


def latency_summary(prefix: str, values_ms: Sequence[float]) -> dict[str, float | None]:
    """p50, p99 and max of `values_ms`, rounded to a microsecond, keyed `<prefix>_p50` etc."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return {
        f"{prefix}_p50": rounded(percentile(values_ms, 50)),
        f"{prefix}_p99": rounded(percentile(values_ms, 99)),
        f"{prefix}_max": rounded(max(values_ms, default=None)),
    }
