"""A monitor's sweep of one waveform, without Qt: where each sample lands, the write head, the
erase bar and the signal's state (the trace layer, `trace`, works out which columns a frame
changes). The bed tiles and the selected bed's strips draw from it alike, with the settings
below."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from stores.model import Waveform, WaveformChunk
from widgets.sweep.ring import SampleRing

SWEEP_MM_S = 25.0  # paper speed: a strip reads like every monitor's and every printed one
# The head trails the clock by this much. The bedside writes 250 ms chunks and the feeds poll
# every 250 ms, so a chunk's first sample reaches the station about 0.5 s after it was taken,
# plus the store's round trip: 0.25 s to spare. Less, and chunks land behind the head (drawn
# late); more, and the trace lags the numerics for nothing.
HEAD_DELAY_S = 0.75
# The blank bar ahead of the head: 3 mm at 25 mm/s, a few millimetres as on a bedside monitor,
# enough to see at a glance where the head is, small enough to hide little of the last sweep.
ERASE_S = 0.12
# No valid sample this long behind the head: the strip says so. Eight chunks in a row missing
# is not a late poll but a lost signal; a flat trace (asystole) is samples, never this.
NO_SIGNAL_S = 2.0
_SLACK_S = 4.0  # kept beyond one sweep: chunks that arrive ahead of the head

Span = tuple[float, float]  # x from, x to, in pixels from the strip's left edge
Run = tuple[np.ndarray, np.ndarray]  # x and value of consecutive valid samples


class Sweep:
    """One waveform's recent samples and the sweep that writes them across a strip `width`
    pixels wide at `px_per_s`, wrapping at the right edge.

    The head is at `now - delay_s`; a sample is shown once the head has passed it, at
    x = (time mod period) * px_per_s, until the head comes round again (the erase bar blanks
    `erase_s` ahead of the head). x depends on time alone, so strips of different rates and
    the same width keep their heads level. A missing or NaN sample is a gap."""

    def __init__(self, rate_hz: float, delay_s: float = HEAD_DELAY_S,
                 erase_s: float = ERASE_S) -> None:
        self.rate_hz, self.delay_s, self.erase_s = rate_hz, delay_s, erase_s
        self.width, self.px_per_s = 0.0, 1.0
        # room from the start: chunks may come before the strip is laid out
        self.samples = SampleRing(rate_hz, int((delay_s + _SLACK_S) * rate_hz))

    @property
    def period(self) -> float:
        """Seconds one sweep across the strip takes."""
        return self.width / self.px_per_s if self.width > 0 else 0.0

    @property
    def newest(self) -> float | None:
        """Time of the newest sample received, valid or not."""
        return self.samples.newest

    def set_geometry(self, width: float, px_per_s: float) -> None:
        if (width, px_per_s) == (self.width, self.px_per_s):
            return
        self.width, self.px_per_s = float(width), float(px_per_s)
        self.samples.grow(math.ceil((self.period + self.delay_s + _SLACK_S) * self.rate_hz))

    def clear(self) -> None:
        self.samples.clear()

    def add(self, start: float, values) -> tuple[int, int] | None:
        """Keep samples taken every 1/rate s from `start`; NaN stays NaN (a gap). The numbers of
        the first and last sample kept (None: none)."""
        return self.samples.add(start, values)

    def add_chunks(self, chunks: Iterable[WaveformChunk], waveform: Waveform,
                   since: float = -math.inf) -> list[tuple[int, int]]:
        """Keep the chunks of `waveform` that end after `since` (older ones are someone else's);
        the numbers of the first and last sample kept of each."""
        kept = []
        for chunk in chunks:
            if chunk.waveform is waveform and chunk.end > since:
                kept.append(self.add(chunk.start, chunk.values))
        return [numbers for numbers in kept if numbers is not None]

    def head(self, now: float) -> float:
        return now - self.delay_s

    def head_x(self, now: float) -> float:
        """Where the head writes, in pixels from the strip's left edge."""
        return self._x(self.head(now))

    def _x(self, time: float) -> float:
        return (time % self.period) * self.px_per_s

    def erase_span(self, now: float) -> Span:
        """The erase bar: from the head to `erase_s` ahead of it (it may run past the right edge)."""
        x = self.head_x(now)
        return x, x + self.erase_s * self.px_per_s

    def signal(self, now: float) -> str:
        """"live", "invalid" (samples arrive, all NaN: leads off) or "none" (nothing arrives)."""
        since = self.head(now) - NO_SIGNAL_S
        newest_valid, newest = self.samples.newest_valid, self.samples.newest
        if newest_valid is not None and newest_valid > since:
            return "live"
        return "invalid" if newest is not None and newest > since else "none"

    def follows(self, drawn: float | None, head: float) -> bool:
        """Whether a frame with the head at `head` can draw on one drawn with it at `drawn`: not
        the first, not back in time, and not so far on that the erase bar skipped columns."""
        return drawn is not None and drawn <= head < drawn + self.period - self.erase_s

    def runs(self, now: float, x0: float = 0.0, x1: float | None = None) -> list[Run]:
        """The visible samples whose columns lie in x0..x1 (and one each side, so lines reach the
        edges), as runs of valid samples: a gap between runs is never drawn."""
        if self.period <= 0:
            return []
        x1 = self.width if x1 is None else x1
        head = self.head(now)
        base = math.floor(head / self.period) * self.period  # where the present sweep began
        first = math.floor((head - self.period + self.erase_s) * self.rate_hz) + 1
        last = math.floor(head * self.rate_hz)
        runs: list[Run] = []
        for sweep_start in (base - self.period, base):
            lo = max(first, math.floor((sweep_start + x0 / self.px_per_s) * self.rate_hz))
            hi = min(last, math.ceil((sweep_start + x1 / self.px_per_s) * self.rate_hz))
            if hi >= lo:
                runs += self._runs_of(lo, hi, sweep_start)
        return runs

    def _runs_of(self, lo: int, hi: int, sweep_start: float) -> list[Run]:
        """The samples numbered lo..hi, split into runs of valid ones."""
        values, valid = self.samples.read(lo, hi)
        # from the first sample's x: small numbers, no cancellation of two huge ones
        steps = np.arange(len(values), dtype=np.float64)
        xs = steps * (self.px_per_s / self.rate_hz) + (lo / self.rate_hz - sweep_start) * self.px_per_s
        if valid.all():  # the usual case, and the cheap one
            return [(xs, values)]
        # boundaries between valid and invalid stretches; keep only the valid stretches
        edges = np.flatnonzero(np.diff(valid.astype(np.int8))) + 1
        starts = np.concatenate(([0], edges))
        ends = np.concatenate((edges, [len(values)]))
        return [(xs[a:b], values[a:b]) for a, b in zip(starts, ends) if valid[a]]
