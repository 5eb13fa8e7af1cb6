"""One patient's vital signs second by second: baseline, slow drift, breathing and noise, episodes.

Pure and deterministic given a `random.Random`; `BedPhysiology.step(now)` is called at 1 Hz.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from app.simulator.episodes import Episode, EpisodeKind, draw_episode
from stores.model import VitalSample

DEFAULT_EPISODES_PER_HOUR = 16.0  # per bed; a 16-bed ward then crosses limits ~4 times a minute
NIBP_INTERVAL_S = 180.0  # automatic cuff cycle
_MAX_STEP_S = 5.0  # after a stall, drift as if this long had passed, not longer

# Plausible bounds, whatever the episode and noise: (lowest, highest).
LIMITS = {
    "heart_rate": (30.0, 220.0),
    "spo2": (50.0, 100.0),
    "resp_rate": (4.0, 60.0),
    "nibp_sys": (50.0, 250.0),
    "nibp_dia": (25.0, 150.0),
    "temperature": (34.0, 42.0),
}


@dataclass(frozen=True)
class Baseline:
    """A patient's resting vital signs."""

    heart_rate: float
    spo2: float
    resp_rate: float
    nibp_sys: float
    nibp_dia: float
    temperature: float

    @classmethod
    def draw(cls, rng: random.Random) -> Baseline:
        return cls(
            heart_rate=rng.uniform(60, 95),
            spo2=rng.uniform(95, 99),
            resp_rate=rng.uniform(12, 20),
            nibp_sys=rng.uniform(105, 140),
            nibp_dia=rng.uniform(60, 85),
            temperature=rng.uniform(36.4, 37.3),
        )


def mean_pressure(systolic: float, diastolic: float) -> float:
    return diastolic + (systolic - diastolic) / 3.0


class _Drift:
    """A mean-reverting random walk (Ornstein-Uhlenbeck) around zero: the slow wander of a vital."""

    __slots__ = ("spread", "time_constant", "value")

    def __init__(self, spread: float, time_constant: float) -> None:
        self.spread, self.time_constant, self.value = spread, time_constant, 0.0

    def step(self, rng: random.Random, dt: float) -> float:
        keep = math.exp(-dt / self.time_constant)
        self.value = self.value * keep + self.spread * math.sqrt(1 - keep * keep) * rng.gauss(0, 1)
        return self.value


# (spread, time constant in s) of the slow drift, and the sample-to-sample noise of each vital.
_DRIFT = {
    "heart_rate": (4.0, 300.0),
    "spo2": (0.7, 90.0),
    "resp_rate": (1.0, 120.0),
    "nibp_sys": (6.0, 900.0),
    "nibp_dia": (4.0, 900.0),
    "temperature": (0.15, 1800.0),
}
_NOISE = {"heart_rate": 0.8, "spo2": 0.3, "resp_rate": 0.6, "nibp_sys": 3.0, "nibp_dia": 2.0,
          "temperature": 0.02}
_SINUS_ARRHYTHMIA_BPM = 2.0  # heart rate swing with each breath


class BedPhysiology:
    """The simulated monitor of one bed."""

    def __init__(self, bed_id: str, rng: random.Random, *, baseline: Baseline | None = None,
                 episodes_per_hour: float = DEFAULT_EPISODES_PER_HOUR,
                 nibp_interval: float = NIBP_INTERVAL_S) -> None:
        self.bed_id = bed_id
        self.rng = rng
        self.baseline = baseline or Baseline.draw(rng)
        self.episodes_per_hour = episodes_per_hour
        self.nibp_interval = nibp_interval
        self.episode: Episode | None = None
        self._drift = {name: _Drift(*params) for name, params in _DRIFT.items()}
        self._breath_phase = rng.random()
        self._last: float | None = None
        self._next_cuff = 0.0
        self._stat_cuffs: list[float] = []
        self._nibp: tuple[float, float, float] | None = None

    def step(self, now: float) -> VitalSample:
        dt = 1.0 if self._last is None else min(max(now - self._last, 0.0), _MAX_STEP_S)
        self._last = now
        self._update_episode(now, dt)
        truth = {name: self._true_value(name, now, dt) for name in _DRIFT}
        self._breath_phase = (self._breath_phase + dt * truth["resp_rate"] / 60.0) % 1.0
        truth["heart_rate"] += self._sinus_arrhythmia(now)
        sys, dia, mean = self._cuff(now, truth)
        return VitalSample(
            bed_id=self.bed_id, time=now,
            heart_rate=round(_bounded("heart_rate", truth["heart_rate"])),
            spo2=round(_bounded("spo2", truth["spo2"])),
            resp_rate=round(_bounded("resp_rate", truth["resp_rate"])),
            nibp_sys=sys, nibp_dia=dia, nibp_mean=mean,
            temperature=round(_bounded("temperature", truth["temperature"]), 1),
            simulated=True,  # never to be taken for a patient's, whichever store it goes to
        )

    def _update_episode(self, now: float, dt: float) -> None:
        if self.episode is not None and now >= self.episode.end:
            self.episode = None
        starts = 1.0 - math.exp(-self.episodes_per_hour * dt / 3600.0)  # Poisson, per step
        if self.episode is None and self.rng.random() < starts:
            self.episode = draw_episode(self.rng, now)
            if self.episode.kind is EpisodeKind.HYPOTENSION:
                # A nurse starts the cuff when the patient looks unwell, and again after recovery.
                self._stat_cuffs = [self.episode.plateau_start + 5.0, self.episode.end + 1.0]

    def _true_value(self, name: str, now: float, dt: float) -> float:
        value = getattr(self.baseline, name) + self._drift[name].step(self.rng, dt)
        if self.episode is not None:
            value = self.episode.apply(name, value, now)
        return value + self.rng.gauss(0, _NOISE[name])

    def _sinus_arrhythmia(self, now: float) -> float:
        # The swing fades as the heart races, as heart rate variability does in tachycardia.
        calm = 1.0 - (self.episode.severity(now) if self.episode else 0.0)
        return calm * _SINUS_ARRHYTHMIA_BPM * math.sin(2 * math.pi * self._breath_phase)

    def _cuff(self, now: float, truth: dict[str, float]) -> tuple[float, float, float]:
        """The blood pressure shown: measured at each cuff cycle, held in between like a real cuff."""
        stat_due = any(t <= now for t in self._stat_cuffs)
        if self._nibp is not None and now < self._next_cuff and not stat_due:
            return self._nibp
        self._stat_cuffs = [t for t in self._stat_cuffs if t > now]
        # The first cycle is shortened at random: beds were not all switched on at once.
        first = self._nibp is None
        self._next_cuff = now + self.nibp_interval * (self.rng.random() if first else 1.0)
        sys = round(_bounded("nibp_sys", truth["nibp_sys"]))
        dia = round(min(_bounded("nibp_dia", truth["nibp_dia"]), sys - 10))
        self._nibp = (sys, dia, round(mean_pressure(sys, dia)))
        return self._nibp


def _bounded(name: str, value: float) -> float:
    low, high = LIMITS[name]
    return min(max(value, low), high)
