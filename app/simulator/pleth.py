"""A synthetic SpO2 plethysmogram from the same beats as the ECG: one pulse per beat, ~200 ms late.

Each pulse rises fast to its systolic peak, falls slowly with a dicrotic wave on the way down,
and is as tall as the blood the beat ejected (a short RR ejects less) and the perfusion of the
finger (low in hypotension and hypoxia). Values in arbitrary units, 0..1.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.simulator.episodes import Episode, EpisodeKind

REACH_AFTER_S = 1.1  # a pulse has faded this long after its beat's R wave
_PEAK_S = 0.13  # foot to systolic peak
_RISE_S, _FALL_S = 0.045, 0.15  # the upstroke is quick, the run-off slow
_DICROTIC = (0.28, 0.36, 0.06)  # share of the peak, time after the foot, width
_BASE = 0.15  # the trace's floor, so that a weak pulse still shows above the bottom line
_SPAN = 0.6  # height of a normal pulse
# How far each episode at its worst shrinks the pulse: the finger is the first to lose blood.
_PERFUSION_LOSS = {EpisodeKind.HYPOTENSION: 0.65, EpisodeKind.DESATURATION: 0.35,
                   EpisodeKind.TACHYCARDIA: 0.2, EpisodeKind.FEVER: -0.1}


@dataclass(frozen=True)
class PlethShape:
    """One patient's finger probe: pulse transit time and size of a normal pulse."""

    transit_s: float
    size: float
    breathing: float  # the pulse's swing with each breath

    @classmethod
    def draw(cls, rng: random.Random) -> PlethShape:
        return cls(rng.uniform(0.17, 0.23), rng.uniform(0.8, 1.0), rng.uniform(0.04, 0.1))


def perfusion(episode: Episode | None, now: float, spo2: float) -> float:
    """How well the finger is perfused, 1 = normal: episodes and a low SpO2 shrink the pulse."""
    loss = 0.0 if episode is None else _PERFUSION_LOSS[episode.kind] * episode.severity(now)
    hypoxia = min(max((94.0 - spo2) / 20.0, 0.0), 0.4)
    return max(1.0 - loss - hypoxia, 0.15)


def pulse_sizes(shapes: Sequence[PlethShape], filling: np.ndarray, perfused: np.ndarray
                ) -> np.ndarray:
    """The height of each beat's pulse, per bed ((beds, beats); Frank-Starling: a beat after a
    short pause ejects less). A beat with no perfusion (the padding of a bed with fewer beats
    than the others) has none."""
    size = np.array([s.size for s in shapes])[:, None]
    return size * perfused * np.clip(filling, 0.25, 1.25) ** 1.3


def draw_pulses(shapes: Sequence[PlethShape], times: np.ndarray, beat_times: np.ndarray,
                sizes: np.ndarray, breath_phase: np.ndarray) -> np.ndarray:
    """The pleth at `times` per bed ((beds, samples), relative, like the (beds, beats) beats)."""
    transit = np.array([s.transit_s for s in shapes])[:, None]
    u = times[:, None, :] - (beat_times + transit + _PEAK_S)[:, :, None]
    width = np.where(u < 0.0, _RISE_S, _FALL_S)
    systolic = np.exp(-0.5 * (u / width) ** 2)
    share, delay, spread = _DICROTIC
    dicrotic = share * np.exp(-0.5 * ((u - (delay - _PEAK_S)) / spread) ** 2)
    pulses = (sizes[:, :, None] * (systolic + dicrotic)).sum(axis=1)
    swing = np.array([s.breathing for s in shapes])[:, None]
    breathing = 1.0 + swing * np.sin(2 * np.pi * breath_phase)
    return np.clip(_BASE + _SPAN * pulses * breathing, 0.0, 1.0)
