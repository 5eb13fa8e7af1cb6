"""The issues' targets for a 2-core workstation, on every backend: each figure's bound, at
32 beds, and at the larger ward of two screens (64 beds) where it differs.

Shown beside the figures a person reads; a benchmark is not a test, so a missed target is
reported, not failed."""

from __future__ import annotations

import operator

# figure -> (comparison, bound)
TARGETS: dict[str, tuple[str, float]] = {
    "fps": (">=", 30),
    "frame_ms_p99": ("<=", 20),
    "cpu_percent": ("<=", 100),
    "rss_mb": ("<=", 300),
    "rss_mb_after_history": ("<=", 300),
    "gc_pause_ms_max": ("<=", 10),
    "rss_growth_mb_per_h": ("<=", 5),  # only runs of --seconds 180 or more (app.bench.soak)
    "history_24h_ms_p95": ("<=", 150),
    "history_7d_ms_p95": ("<=", 300),
    "startup_ms": ("<=", 1500),
    "ingest_rows_per_s": (">=", 100_000),
    "db_read_share": ("<=", 0.1),  # bench cache: the reads that still reach the databases
}
# A ward of more than 32 beds, on two screens (issue 12: "a central station watches up to 64")
LARGE_WARD_BEDS = 32
LARGE_WARD_TARGETS: dict[str, tuple[str, float]] = {
    "fps": (">=", 55),
    "frame_ms_p99": ("<=", 25),
    "cpu_percent": ("<=", 60),
    "rss_mb": ("<=", 400),
    "rss_mb_after_history": ("<=", 400),
}
_COMPARE = {">=": operator.ge, "<=": operator.le}


def targets_for(beds: int) -> dict[str, tuple[str, float]]:
    return TARGETS | LARGE_WARD_TARGETS if beds > LARGE_WARD_BEDS else TARGETS


def verdict(name: str, value: object, beds: int = 32) -> str | None:
    """'target >= 30: met' (or 'missed') for a figure with a target; None for one without."""
    targets = targets_for(beds)
    if name not in targets:
        return None
    comparison, bound = targets[name]
    if not isinstance(value, (int, float)):
        return f"target {comparison} {bound:g}: missed (no figure)"
    met = _COMPARE[comparison](value, bound)
    return f"target {comparison} {bound:g}: {'met' if met else 'MISSED'}"
