"""The live view's samples: the selected bed's last minutes, kept per time, old ones dropped."""

from __future__ import annotations

from collections.abc import Callable

from stores.model import VitalSample
from widgets import vital_text


class LiveWindow:
    """The samples of the last `window_s` seconds by the chart's clock, oldest first."""

    def __init__(self, window_s: float, clock: Callable[[], float], stale_after_s: float) -> None:
        self.window_s, self._clock, self._stale_after_s = window_s, clock, stale_after_s
        self._samples: dict[float, VitalSample] = {}

    def clear(self) -> None:
        self._samples = {}

    def add(self, samples: list[VitalSample]) -> None:
        """Add samples; a sample at a time already held replaces it; old ones are dropped."""
        for sample in samples:
            self._samples[sample.time] = sample
        self.drop_old()

    def drop_old(self) -> None:
        oldest = self._clock() - self.window_s
        self._samples = {t: s for t, s in self._samples.items() if t >= oldest}

    def times(self) -> list[float]:
        return sorted(self._samples)

    def ordered(self) -> list[VitalSample]:
        return [self._samples[t] for t in sorted(self._samples)]

    def stale_text(self, newest: VitalSample | None) -> str:
        """ "NO DATA" (with the age of the newest sample when there is one) once it is too old."""
        if newest is None:
            return "NO DATA"
        age = self._clock() - newest.time
        return f"NO DATA {vital_text.age_text(age)}" if age > self._stale_after_s else ""
