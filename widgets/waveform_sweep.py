"""A monitor's sweep of one waveform, in numpy: each sample lands where the sweep passes, with an
erase bar ahead of the write head; no Qt, so it is cheap to test and to run at the display rate."""

from __future__ import annotations

import math

import numpy as np

CAPACITY_S = 40.0  # samples kept: a wide sweep (~17 s) plus the chunks that arrive ahead of it


class Sweep:
    """One waveform's recent samples, numbered from the epoch (`time * rate_hz`), in a ring.

    `frame(head_t, window_s)` lays them out as a monitor draws them: position p of the sweep
    shows the newest sample numbered k <= head with k = p (mod the window's samples); positions
    the head reaches within `erase_s` are blank, and so is anything not received (a gap)."""

    def __init__(self, rate_hz: float, capacity_s: float = CAPACITY_S) -> None:
        self.rate_hz = rate_hz
        self._capacity = int(capacity_s * rate_hz)
        self._values = np.full(self._capacity, np.nan)
        self._numbers = np.full(self._capacity, -1, dtype=np.int64)  # which sample each slot holds
        self._x = np.empty(0)
        self.newest: float | None = None  # end time of the newest sample received

    def clear(self) -> None:
        self._values.fill(np.nan)
        self._numbers.fill(-1)
        self.newest = None

    def add(self, start: float, values: np.ndarray) -> None:
        """Keep a chunk of samples, the first taken at `start`; NaN stays NaN (drawn as a gap)."""
        if len(values) == 0:
            return
        # floor, not round: chunk starts sum up sample periods, and a start a hair under a
        # half sample must not shift one chunk against the next (a gap or an overlap)
        first = math.floor(start * self.rate_hz + 1e-3)
        numbers = first + np.arange(len(values), dtype=np.int64)
        numbers, values = numbers[-self._capacity:], values[-self._capacity:]
        slots = numbers % self._capacity
        self._values[slots] = values
        self._numbers[slots] = numbers
        end = (int(numbers[-1]) + 1) / self.rate_hz
        self.newest = end if self.newest is None else max(self.newest, end)

    def frame(self, head_t: float, window_s: float, erase_s: float) -> tuple[np.ndarray, np.ndarray]:
        """x (seconds from the sweep's left edge) and y of every position of a `window_s` sweep
        whose write head is at `head_t`; x is the same array from frame to frame."""
        count = self._count(window_s)
        if len(self._x) != count:
            self._x = np.arange(count, dtype=np.float64) / self.rate_hz
        head = math.floor(head_t * self.rate_hz)
        numbers = head - (head - np.arange(count, dtype=np.int64)) % count
        slots = numbers % self._capacity
        y = np.where(self._numbers[slots] == numbers, self._values[slots], np.nan)
        # the oldest positions are the ones the head overwrites next: blank them as a monitor does
        y[numbers <= head - count + int(erase_s * self.rate_hz)] = np.nan
        return self._x, y

    def head_x(self, head_t: float, window_s: float) -> float:
        """Where the write head is, in seconds from the sweep's left edge."""
        return (math.floor(head_t * self.rate_hz) % self._count(window_s)) / self.rate_hz

    def _count(self, window_s: float) -> int:
        # round, not int: 8.48 s * 125 Hz may come out a hair under 1060
        return max(2, min(round(window_s * self.rate_hz), self._capacity // 2))
