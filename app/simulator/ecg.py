"""A synthetic ECG lead II from a list of beats: P-QRS-T waves, AF's fibrillatory baseline, wander, noise.

Each wave is a Gaussian bump placed relative to its beat's R wave; summing them over the beats
near a stretch of samples draws the stretch. A sample's value depends only on its time and the
beats, so stretches drawn one after the other join without a step. Values in mV.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.simulator.rhythm import BeatKind

# Waves of each kind of beat: (amplitude in mV, centre relative to the R wave in s, width in s).
# The T wave's centre is given at an RR of 1 s and moves in with a faster rate (`_t_shift`).
_WAVES = {
    BeatKind.SINUS: ((0.15, -0.15, 0.022), (-0.10, -0.028, 0.008), (1.00, 0.0, 0.010),
                     (-0.22, 0.028, 0.009), (0.25, 0.27, 0.050)),
    BeatKind.AF: ((0.0, -0.15, 0.022), (-0.10, -0.028, 0.008), (1.00, 0.0, 0.010),
                  (-0.22, 0.028, 0.009), (0.22, 0.27, 0.050)),
    # Wide, tall, notch-free, with the T wave against the QRS: what a nurse calls a PVC.
    BeatKind.PVC: ((0.0, -0.15, 0.022), (-0.05, -0.06, 0.020), (1.25, 0.0, 0.030),
                   (-0.55, 0.075, 0.028), (-0.42, 0.33, 0.070)),
}
_T_WAVE = 4  # index of the T wave in each row
_TABLE = np.array([_WAVES[kind] for kind in BeatKind])  # (kinds, waves, 3), indexed by BeatKind
REACH_BEFORE_S = 0.25  # a beat's P wave starts this long before its R wave
REACH_AFTER_S = 0.55  # and its T wave has ended this long after it


@dataclass(frozen=True)
class EcgShape:
    """One patient's lead II: the size of the complex, breathing wander and electrode noise."""

    qrs_mv: float
    t_share: float
    wander_mv: float
    noise_mv: float
    af_mv: float
    af_hz: tuple[float, float, float]
    phase: tuple[float, float, float]

    @classmethod
    def draw(cls, rng: random.Random) -> EcgShape:
        return cls(
            qrs_mv=rng.uniform(0.8, 1.6), t_share=rng.uniform(0.8, 1.2),
            wander_mv=rng.uniform(0.04, 0.12), noise_mv=rng.uniform(0.008, 0.02),
            af_mv=rng.uniform(0.04, 0.08), af_hz=(rng.uniform(4.5, 5.5), rng.uniform(5.8, 6.8),
                                                  rng.uniform(7.2, 8.2)),
            phase=(rng.uniform(0, 6.3), rng.uniform(0, 6.3), rng.uniform(0, 6.3)),
        )


def beat_waves(shapes: Sequence[EcgShape], kinds: np.ndarray, rr: np.ndarray,
               real: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per bed, beat and wave: amplitude, offset from the R wave and width (three (beds, beats,
    5) arrays). `kinds`, `rr` and `real` are (beds, beats); a beat not `real` (the padding of a
    bed with fewer beats than the others) has no amplitude."""
    rows = _TABLE[kinds]
    amplitude = rows[..., 0] * (np.array([s.qrs_mv for s in shapes])[:, None] * real)[..., None]
    amplitude[..., _T_WAVE] *= np.array([s.t_share for s in shapes])[:, None]
    offset = rows[..., 1].copy()
    offset[..., _T_WAVE] += _t_shift(rr)
    return amplitude, offset, rows[..., 2]


def _t_shift(rr: np.ndarray) -> np.ndarray:
    # Repolarisation shortens as the heart speeds up (QT ~ sqrt(RR), Bazett); never onto the QRS.
    return np.maximum(0.18 * (np.sqrt(np.clip(rr, 0.25, 2.0)) - 1.0), -0.12)


def draw_complexes(times: np.ndarray, beat_times: np.ndarray, waves: tuple[np.ndarray, ...]
                   ) -> np.ndarray:
    """Per bed, the sum of every beat's waves at `times` ((beds, samples), relative times: keep
    them small for precision; `beat_times` (beds, beats))."""
    amplitude, offset, width = waves
    if not beat_times.shape[1]:
        return np.zeros_like(times)
    beds, beats, waves = offset.shape
    centre = beat_times[:, :, None] + offset
    # in place, and times a reciprocal rather than a division: 64 beds four times a second
    z = times[:, None, None, :] - centre[..., None]  # (beds, beats, waves, samples)
    z *= (1.0 / width)[..., None]
    z *= z
    z *= -0.5
    np.exp(z, out=z)
    return np.matmul(amplitude.reshape(beds, 1, beats * waves),
                     z.reshape(beds, beats * waves, -1))[:, 0, :]


def fibrillation(shape: EcgShape, times: np.ndarray) -> np.ndarray:
    """The atria's fine, fast, irregular undulation in AF (f waves, 4-8 Hz)."""
    out = np.zeros_like(times)
    for hz, phase in zip(shape.af_hz, shape.phase):
        # A slow swing of each component's size keeps the f waves from looking periodic.
        swell = 0.6 + 0.4 * np.sin(2 * math.pi * hz * 0.043 * times + phase)
        out += swell * np.sin(2 * math.pi * hz * times + phase)
    return out * (shape.af_mv / 2.0)


def wander(shapes: Sequence[EcgShape], times: np.ndarray, breath_phase: np.ndarray
           ) -> np.ndarray:
    """Baseline wander, per bed ((beds, samples)): the chest moving with each breath, and a
    slower electrode drift."""
    phase = np.array([s.phase[0] for s in shapes])[:, None]
    slow = np.sin(2 * math.pi * 0.05 * times + phase)
    size = np.array([s.wander_mv for s in shapes])[:, None]
    return size * (np.sin(2 * math.pi * breath_phase) + 0.5 * slow)
