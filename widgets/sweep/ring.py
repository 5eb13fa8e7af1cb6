"""A waveform's recent samples in a ring, each numbered by its time: what a sweep draws from."""

from __future__ import annotations

import math

import numpy as np


class SampleRing:
    """Samples taken every 1/rate_hz s, sample k at time k / rate_hz, in slot k mod capacity.

    A slot remembers which sample it holds, so one not received (a missing chunk) reads as
    invalid rather than as whatever an older sweep left there; NaN (leads off) is invalid too."""

    def __init__(self, rate_hz: float, capacity: int) -> None:
        self.rate_hz = rate_hz
        self._numbers = np.full(capacity, -1, dtype=np.int64)
        self._values = np.full(capacity, np.nan)
        self.newest: float | None = None  # time of the newest sample received, valid or not
        self.newest_valid: float | None = None

    def __len__(self) -> int:
        return len(self._numbers)

    def number(self, time: float) -> int:
        """The sample taken at `time`: the nearest one. Chunk starts carry rounding (sums of
        sample periods; InfluxDB keeps milliseconds, not a whole number of periods at every
        rate) a fraction of a sample either way; floor would put a start a hair early on the
        sample before it, one sample off its neighbours (a gap and an overlap)."""
        return math.floor(time * self.rate_hz + 0.5)

    def grow(self, capacity: int) -> None:
        """Make room for `capacity` samples, keeping those held."""
        if capacity <= len(self._numbers):
            return
        kept = self._numbers >= 0
        numbers, values = self._numbers[kept], self._values[kept]
        self._numbers = np.full(capacity, -1, dtype=np.int64)
        self._values = np.full(capacity, np.nan)
        self._numbers[numbers % capacity], self._values[numbers % capacity] = numbers, values

    def clear(self) -> None:
        self._numbers.fill(-1)
        self._values.fill(np.nan)
        self.newest = self.newest_valid = None

    def add(self, start: float, values) -> tuple[int, int] | None:
        """Keep samples taken every 1/rate s from `start`; the numbers of the first and last
        kept, or None for no samples."""
        values = np.asarray(values, dtype=np.float64)
        if len(values) == 0:
            return None
        numbers = self.number(start) + np.arange(len(values), dtype=np.int64)
        numbers, values = numbers[-len(self._numbers):], values[-len(self._numbers):]
        slots = numbers % len(self._numbers)
        self._numbers[slots], self._values[slots] = numbers, values
        self._note_newest(numbers, values)
        return int(numbers[0]), int(numbers[-1])

    def _note_newest(self, numbers: np.ndarray, values: np.ndarray) -> None:
        last = numbers[-1] / self.rate_hz
        self.newest = last if self.newest is None else max(self.newest, last)
        valid = np.flatnonzero(np.isfinite(values))
        if len(valid):
            last_valid = numbers[valid[-1]] / self.rate_hz
            self.newest_valid = max(self.newest_valid or last_valid, last_valid)

    def read(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """The values of samples lo..hi and whether each is valid (received and finite).
        Called for every strip at every frame, so the usual case (no wrap in the ring) reads
        slices, not fancy-indexed copies."""
        count, capacity = hi - lo + 1, len(self._numbers)
        numbers = np.arange(lo, hi + 1, dtype=np.int64)
        first_slot = lo % capacity
        if first_slot + count <= capacity:
            held = self._numbers[first_slot:first_slot + count]
            values = self._values[first_slot:first_slot + count].copy()  # the ring moves on
        else:
            slots = numbers % capacity
            held, values = self._numbers[slots], self._values[slots]
        valid = np.isfinite(values)
        valid &= held == numbers  # a slot still holding an older sample: that one was not received
        return values, valid
