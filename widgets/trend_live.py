"""The live view's samples: the selected bed's last minutes, kept per time, old ones dropped, and
ready as the arrays the plots draw."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from stores.model import Vital, VitalSample
from widgets import vital_text

VITALS = tuple(Vital)  # the columns of `arrays()` values
_NAN = float("nan")


class LiveWindow:
    """The samples of the last `window_s` seconds by the chart's clock, oldest first.

    Each sample's values are read once, when it comes: a redraw of ten minutes at 1 Hz then
    costs an array copy, not thousands of look-ups (it ran once a second, on the UI thread)."""

    def __init__(self, window_s: float, clock: Callable[[], float], stale_after_s: float) -> None:
        self.window_s, self._clock, self._stale_after_s = window_s, clock, stale_after_s
        self._samples: dict[float, VitalSample] = {}
        self._rows: dict[float, tuple[float, ...]] = {}  # per time: the valid values, NaN if not
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None  # made when asked, kept till a change

    def clear(self) -> None:
        self._samples, self._rows, self._arrays = {}, {}, None

    def add(self, samples: list[VitalSample]) -> None:
        """Add samples; a sample at a time already held replaces it; old ones are dropped."""
        for sample in samples:
            self._samples[sample.time] = sample
            self._rows[sample.time] = _row(sample)
        if samples:
            self._arrays = None
        self.drop_old()

    def drop_old(self) -> None:
        oldest = self._clock() - self.window_s
        if any(t < oldest for t in self._samples):
            self._samples = {t: s for t, s in self._samples.items() if t >= oldest}
            self._rows = {t: row for t, row in self._rows.items() if t >= oldest}
            self._arrays = None

    def times(self) -> list[float]:
        return sorted(self._samples)

    def ordered(self) -> list[VitalSample]:
        return [self._samples[t] for t in sorted(self._samples)]

    def newest(self) -> VitalSample | None:
        return self._samples[max(self._samples)] if self._samples else None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Times (float64, oldest first) and values (one row per time, one column per vital of
        `VITALS`, NaN where missing or invalid: drawn as a gap)."""
        if self._arrays is None:
            times = sorted(self._rows)
            values = np.array([self._rows[t] for t in times], dtype=np.float64)
            self._arrays = (np.array(times, dtype=np.float64), values.reshape(len(times), len(VITALS)))
        return self._arrays

    def stale_text(self, newest: VitalSample | None) -> str:
        """ "NO DATA" (with the age of the newest sample when there is one) once it is too old."""
        if newest is None:
            return "NO DATA"
        age = self._clock() - newest.time
        return f"NO DATA {vital_text.age_text(age)}" if age > self._stale_after_s else ""


def column(vital: Vital) -> int:
    return VITALS.index(vital)


def _row(sample: VitalSample) -> tuple[float, ...]:
    return tuple(_NAN if (v := sample.value(vital)) is None else v for vital in VITALS)
