"""History at any range, measured: a week of one bed backfilled, then its 24 h and 7 day trends
timed as the selected-bed chart asks for them (query plus decode into a `VitalTrend`).

The bed is the bench ward's first, the one the window selects. Its week is written as
`ward-station simulate --backfill 7d` writes one (the simulator's numpy model of that bed's
monitor, in batches), ending before the station started, so the live samples that follow are
left as they are.

A request the store fails (a real server's timeout) counts with the time it took to fail: the
chart waited that long for nothing. Each range gets QUERIES requests or BUDGET_S, whichever
ends first (at least MIN_QUERIES), so a slow server cannot hold the run for minutes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from app.bench.stats import percentile
from app.demo.seed import DEMO_SIMULATOR_SEED
from app.simulator.backfill import backfill_bed
from stores.errors import StoreError
from stores.model import Patient, Vital, VitalTrend
from stores.outbox.wrappers import Outboxed
from stores.vitals import VitalsStore

log = logging.getLogger(__name__)

WEEK_S = 7 * 86400
DAY_S = 86400
QUERIES = 20  # per range; the 95th percentile of 20 is between the slowest two
MIN_QUERIES = 3
BUDGET_S = 20.0
FALLBACK_BUCKETS = 800  # a chart not laid out yet: about the plots' width at 1920 px


@dataclass
class Backfill:
    rows: int
    seconds: float  # wall time, the model's arrays and the writes

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


async def backfill_week(store: VitalsStore, patient: Patient, end: float,
                        seconds: int = WEEK_S) -> Backfill:
    """Write `seconds` of 1 Hz vitals of the patient's bed, the last at whole second `end`."""
    started = time.perf_counter()
    first = float(int(end) - seconds + 1)
    # Straight to the store, not through its outbox: a write the store refused would wait there
    # and the trends be timed over nothing (seen on a loaded machine: 1 of 481 buckets filled).
    direct = store.inner if isinstance(store, Outboxed) else store
    # The simulator's own backfill, so the week is the live monitor's past.
    rows = await backfill_bed(direct.write, patient, first, seconds, DEMO_SIMULATOR_SEED)
    return Backfill(rows, time.perf_counter() - started)


@dataclass
class TrendTimes:
    """How long each trend request of one range took, failed ones included."""

    times_ms: list[float] = field(default_factory=list)
    failures: int = 0
    last: VitalTrend | None = None  # the last answer: is it the bed's history, bucketed?


async def time_trends(store: VitalsStore, bed_id: str, span_s: float, buckets: int,
                      queries: int = QUERIES, budget_s: float = BUDGET_S) -> TrendTimes:
    """Time up to `queries` requests of the last `span_s` in `buckets` buckets, one after the
    other, stopping early once `budget_s` is spent (after MIN_QUERIES)."""
    found = TrendTimes()
    deadline = time.perf_counter() + budget_s
    while len(found.times_ms) < queries:
        if len(found.times_ms) >= MIN_QUERIES and time.perf_counter() > deadline:
            break
        now = time.time()
        started = time.perf_counter()
        try:
            found.last = await store.trend(bed_id, now - span_s, now, buckets)
        except StoreError as exc:
            found.failures += 1
            log.warning("a %.0f h trend request failed: %s", span_s / 3600, exc)
        found.times_ms.append((time.perf_counter() - started) * 1000.0)
    return found


async def bench_history(store: VitalsStore, patient: Patient, end: float, buckets: int,
                        seconds: int = WEEK_S) -> dict:
    """Backfill `seconds` (a week), then time the 24 h and 7 d trends; the figures by name."""
    backfill = await backfill_week(store, patient, end, seconds)
    figures = {"backfill_rows": backfill.rows, "backfill_s": round(backfill.seconds, 3),
               "backfill_rows_per_s": round(backfill.rows_per_s), "history_buckets": buckets}
    for label, span_s in (("24h", DAY_S), ("7d", WEEK_S)):
        found = await time_trends(store, patient.bed_id, span_s, buckets)
        times_ms = found.times_ms
        figures |= {f"history_{label}_ms_p50": _rounded(percentile(times_ms, 50)),
                    f"history_{label}_ms_p95": _rounded(percentile(times_ms, 95)),
                    f"history_{label}_ms_max": _rounded(max(times_ms)),
                    f"history_{label}_queries": len(times_ms),
                    f"history_{label}_failures": found.failures,
                    f"history_{label}_returned_buckets": found.last.buckets if found.last else 0,
                    f"history_{label}_filled_buckets": _filled(found.last)}
    return figures


def _filled(trend: VitalTrend | None) -> int:
    """Buckets with a heart rate: a trend of the backfilled bed must have nearly all filled."""
    if trend is None:
        return 0
    return sum(value is not None for value in trend.mean.get(Vital.HEART_RATE, ()))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
