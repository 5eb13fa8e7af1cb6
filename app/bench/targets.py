"""The issue's targets for a 2-core workstation, embedded default, 32 beds: each figure's bound.

Shown beside the figures a person reads; a benchmark is not a test, so a missed target is
reported, not failed."""

from __future__ import annotations

import operator

# figure -> (comparison, bound)
TARGETS: dict[str, tuple[str, float]] = {
    "fps": (">=", 30),
    "frame_ms_p99": ("<=", 33),
    "cpu_percent": ("<=", 100),
    "rss_mb": ("<=", 300),
    "gc_pause_ms_max": ("<=", 10),
    "rss_growth_mb_per_h": ("<=", 5),  # only runs of --seconds 180 or more (app.bench.soak)
    "history_24h_ms_p95": ("<=", 150),
    "history_7d_ms_p95": ("<=", 300),
    "startup_ms": ("<=", 1500),
    "ingest_rows_per_s": (">=", 100_000),
    "db_read_share": ("<=", 0.1),  # bench cache: the reads that still reach the databases
}
_COMPARE = {">=": operator.ge, "<=": operator.le}


def verdict(name: str, value: object) -> str | None:
    """'target >= 30: met' (or 'missed') for a figure with a target; None for one without."""
    if name not in TARGETS:
        return None
    comparison, bound = TARGETS[name]
    if not isinstance(value, (int, float)):
        return f"target {comparison} {bound:g}: missed (no figure)"
    met = _COMPARE[comparison](value, bound)
    return f"target {comparison} {bound:g}: {'met' if met else 'MISSED'}"
