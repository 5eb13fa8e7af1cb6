"""One patient's heart rhythm beat by beat: sinus, atrial fibrillation (lasting or in runs) and PVCs.

The rate comes from the bed's simulated vitals (`BedPhysiology`); this module decides only when
each beat falls and what kind it is, so that the ECG and the pleth drawn from the beats agree
with the heart rate shown. Deterministic given its `random.Random`, which is its own: drawing
beats never changes the vitals a seed gives.
"""

from __future__ import annotations

import enum
import math
import random
from dataclasses import dataclass

import numpy as np

from app.simulator.episodes import Episode, EpisodeKind

AF_DIAGNOSIS_WORDS = ("atrial fibrillation",)
PAROXYSMAL_AF_SHARE = 0.12  # of the other patients: runs of AF now and then
PAROXYSMAL_RUNS_PER_HOUR = 3.0
PAROXYSMAL_RUN_S = (45.0, 240.0)
FREQUENT_PVC_SHARE = 0.15  # patients with frequent ectopy: several PVCs a minute
_AF_RR_SPREAD = 0.22  # coefficient of variation of RR in AF ("irregularly irregular")
_SINUS_RR_JITTER = 0.012  # beat-to-beat variation left after the breathing swing of the HR
_PVC_COUPLING = (0.55, 0.68)  # a PVC comes this early, as a share of the RR
_SHORTEST_RR = 0.25  # s: no faster than 240 bpm, whatever the rate asked for


class BeatKind(enum.IntEnum):
    SINUS = 0  # P wave, then a narrow QRS
    AF = 1  # narrow QRS with no P wave (the atria fibrillate)
    PVC = 2  # wide early ventricular beat, no P wave, T wave opposite the QRS


@dataclass(frozen=True)
class Beat:
    time: float  # of the R wave (the clock's seconds)
    kind: BeatKind
    filling: float  # RR before this beat over the usual RR: a short one ejects less blood


class HeartRhythm:
    """Schedules beats: `beats_until(t, heart_rate, episode)` gives every new beat up to `t`."""

    def __init__(self, rng: random.Random, diagnoses: tuple[str, ...] = ()) -> None:
        self.rng = rng
        self.lasting_af = any(word in d.casefold() for d in diagnoses for word in AF_DIAGNOSIS_WORDS)
        self.paroxysmal = not self.lasting_af and rng.random() < PAROXYSMAL_AF_SHARE
        frequent = rng.random() < FREQUENT_PVC_SHARE
        self.pvcs_per_minute = rng.uniform(3.0, 8.0) if frequent else rng.uniform(0.1, 1.0)
        self._af_run = (math.inf, -math.inf)  # start and end of the current or last AF run
        self._next_beat: float | None = None
        self._last_beat: float | None = None
        self._pvc_coupling: float | None = None  # set while the next beat is a PVC

    def in_af(self, t: float) -> bool:
        return self.lasting_af or self._af_run[0] <= t < self._af_run[1]

    def fibrillates_during(self, start: float, end: float) -> bool:
        """Whether the atria fibrillate at some time from `start` to `end` (clock seconds)."""
        return self.lasting_af or (self._af_run[0] < end and self._af_run[1] > start)

    def af_mask(self, times: np.ndarray) -> np.ndarray:
        """1.0 where the atria fibrillate at `times` (clock seconds), else 0.0."""
        if self.lasting_af:
            return np.ones_like(times)
        start, end = self._af_run
        return ((times >= start) & (times < end)).astype(float)

    def skip_to(self, t: float) -> None:
        """Carry on from `t` after a stall, without the beats that were missed."""
        if self._next_beat is not None and self._next_beat < t:
            self._next_beat, self._last_beat = None, None

    def beats_until(self, until: float, heart_rate: float, episode: Episode | None) -> list[Beat]:
        """The beats with time < `until` not given before, at `heart_rate` (beats per minute)."""
        rr = max(60.0 / max(heart_rate, 1.0), _SHORTEST_RR)
        if self._next_beat is None:
            self._next_beat = until - self.rng.uniform(0.0, rr)
        beats = []
        while self._next_beat < until:
            beats.append(self._beat(self._next_beat, rr, episode))
        return beats

    def _beat(self, t: float, rr: float, episode: Episode | None) -> Beat:
        self._maybe_start_af_run(t, rr)
        filling = 1.0 if self._last_beat is None else (t - self._last_beat) / rr
        self._last_beat = t
        if self._pvc_coupling is not None:
            # In sinus rhythm the sinus node keeps its timing: the pause after a PVC makes up
            # for its earliness (a compensatory pause). In AF there is no such clock.
            pause = self._interval(t, rr) * 1.25 if self.in_af(t) else (2.0 - self._pvc_coupling) * rr
            self._pvc_coupling = None
            self._next_beat = t + pause
            return Beat(t, BeatKind.PVC, filling)
        if self.rng.random() < self._pvc_chance(t, rr, episode):
            self._pvc_coupling = self.rng.uniform(*_PVC_COUPLING)
            self._next_beat = t + self._pvc_coupling * rr
        else:
            self._next_beat = t + self._interval(t, rr)
        return Beat(t, BeatKind.AF if self.in_af(t) else BeatKind.SINUS, filling)

    def _interval(self, t: float, rr: float) -> float:
        if self.in_af(t):
            # Log-normal: skewed to long pauses, as conducted AF is; mean kept at the rate's RR.
            sigma = _AF_RR_SPREAD
            spread = math.exp(self.rng.gauss(-sigma * sigma / 2, sigma))
            return max(rr * spread, _SHORTEST_RR)
        return max(rr * (1.0 + self.rng.gauss(0.0, _SINUS_RR_JITTER)), _SHORTEST_RR)

    def _pvc_chance(self, t: float, rr: float, episode: Episode | None) -> float:
        per_minute = self.pvcs_per_minute
        if episode is not None and episode.kind is not EpisodeKind.FEVER:
            # Hypoxia, low pressure and catecholamines all make the ventricles irritable.
            per_minute *= 1.0 + 3.0 * episode.severity(t)
        return min(per_minute * rr / 60.0, 0.3)

    def _maybe_start_af_run(self, t: float, rr: float) -> None:
        if not self.paroxysmal or self.in_af(t):
            return
        if self.rng.random() < PAROXYSMAL_RUNS_PER_HOUR * rr / 3600.0:
            self._af_run = (t, t + self.rng.uniform(*PAROXYSMAL_RUN_S))
