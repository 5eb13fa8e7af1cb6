"""The soak figure of a long `bench window` run: how fast the process's memory grows.

While the live window is measured, the resident memory is sampled every SAMPLE_EVERY_S, less
what the bench's own records of the frames take meanwhile (`frame_rate.records_mb`: about 10 MB
an hour at 45 fps, the bench's, not the station's). The samples of a warm-up are left out
(`warm_up_s`): the station fills windows of its own for minutes, the tiles' trend lines for two,
the selected bed's chart for ten (`CHART_SECONDS`), and caches and pools fill meanwhile; a
10-minute run grew 42 MB/h in its first half and 11 in its second. The warm-up is a third of the
run, at least WARM_UP_MIN_S and at most those ten minutes. The growth is the slope of a
least-squares line through the rest, in MB per hour: a steady leak shows as its rate, a one-off
step or a collection's drop weighs by its share of the run instead of deciding the figure as a
first-versus-last difference would. A run with less than MIN_SPAN_S of samples after the warm-up
reports no figure: a line through a minute of samples says little about an hour.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from app.bench.process import rss_mb
from app.feeds.vitals import CHART_SECONDS

WARM_UP_MIN_S = 60.0
SAMPLE_EVERY_S = 5.0
MIN_SPAN_S = 120.0  # so runs of --seconds 180 and more report it


def warm_up_s(seconds: float) -> float:
    """The warm-up of a run of `seconds`: a third of it, from a minute up to the ten minutes
    the selected bed's chart fills (600 s of a 1800 s soak)."""
    return min(max(seconds / 3, WARM_UP_MIN_S), CHART_SECONDS)


def growth_per_h(times_s: list[float], values_mb: list[float]) -> float:
    """The least-squares slope of `values_mb` over `times_s`, per hour (needs two times)."""
    n = len(times_s)
    mean_t, mean_v = sum(times_s) / n, sum(values_mb) / n
    spread = sum((t - mean_t) ** 2 for t in times_s)
    if spread == 0:
        raise ValueError("the samples need at least two different times")
    slope = sum((t - mean_t) * (v - mean_v) for t, v in zip(times_s, values_mb)) / spread
    return slope * 3600.0


class MemorySamples:
    """Samples the process's memory on the running loop from `start()` to `stop()`, less
    `excluded_mb()`: what the bench itself keeps meanwhile (its records of the frames)."""

    def __init__(self, warm_up_s: float = WARM_UP_MIN_S, every_s: float = SAMPLE_EVERY_S,
                 excluded_mb: Callable[[], float] = lambda: 0.0) -> None:
        self._every_s, self._warm_up_s = every_s, warm_up_s
        self._excluded_mb = excluded_mb
        self.times_s: list[float] = []  # since the start
        self.values_mb: list[float] = []
        self._task: asyncio.Task | None = None

    def start(self) -> MemorySamples:
        self._task = asyncio.ensure_future(self._sample())
        return self

    async def _sample(self) -> None:
        started = time.monotonic()
        await asyncio.sleep(self._warm_up_s)
        while True:
            self.times_s.append(time.monotonic() - started)
            self.values_mb.append(rss_mb() - self._excluded_mb())
            await asyncio.sleep(self._every_s)

    async def stop(self) -> dict:
        """Stop sampling; `rss_growth_mb_per_h` and its sample count when the samples span at
        least MIN_SPAN_S, else nothing."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if len(self.times_s) < 2 or self.times_s[-1] - self.times_s[0] < MIN_SPAN_S:
            return {}
        return {"rss_growth_mb_per_h": round(growth_per_h(self.times_s, self.values_mb), 2),
                "rss_growth_samples": len(self.times_s)}
