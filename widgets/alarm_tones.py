"""The IEC 60601-1-8 auditory alarm signals: a burst pattern per priority, made once as 16-bit PCM."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from stores.model import Priority

SAMPLE_RATE = 44_100
# IEC 60601-1-8 Table 3: a fundamental between 150 and 1000 Hz, with at least 4 harmonic
# components between 300 and 4000 Hz within 15 dB of it, so the sound is easy to locate in a room
# and heard by older ears. C5 and its harmonics 2-5 (1046-2615 Hz), the weakest 10.5 dB down.
FUNDAMENTAL_HZ = 523.25
HARMONIC_AMPLITUDES = (1.0, 0.6, 0.45, 0.35, 0.3)  # of f0, 2 f0, 3 f0, 4 f0, 5 f0
# Table 3: rise time 10-20 % of the pulse duration; the fall as quick as the rise.
RISE_FRACTION = 0.15
PEAK = 0.8  # of full scale: no clipping, the loudness is the station's speaker's business


@dataclass(frozen=True)
class BurstPattern:
    """One burst of an auditory alarm signal, with the times IEC 60601-1-8 Table 4 measures."""

    pulse_s: float  # t_d, effective pulse duration: 90 % of the rise to 90 % of the fall
    spacings_s: tuple[float, ...]  # t_s between pulses: 90 % of a fall to 90 % of the next rise
    interburst_s: float  # t_i: end of a burst's last pulse to the start of the next burst

    @property
    def pulses(self) -> int:
        return len(self.spacings_s) + 1

    @property
    def duration_s(self) -> float:
        """From the first pulse's start to the last pulse's end (what `burst_pcm` holds)."""
        return self.pulses * self.pulse_s + sum(self.spacings_s) + 1.8 * _ramp_s(self.pulse_s)

    @property
    def period_s(self) -> float:
        """From one burst's start to the next's."""
        return self.duration_s + self.interburst_s


# IEC 60601-1-8:2006+A1:2012 Table 4 (ranges in brackets):
# high: 10 pulses as 3 + 2, pause, 3 + 2; t_d 150 ms [75-200 ms]; x = 100 ms [50-125 ms] between
#   pulses 1-2, 2-3, 4-5, 6-7, 7-8, 9-10; 2x + t_d = 350 ms between 3-4 and 8-9; 700 ms
#   [0.35-1.30 s] between 5-6; t_i 4 s [2.5-15 s], so it repeats about every 7.6 s.
# medium: 3 pulses; t_d 200 ms [125-250 ms]; y = 200 ms [125-250 ms]; t_i 7 s [2.5-30 s].
# low: 1 pulse [1 or 2]; t_d 200 ms [125-250 ms]; t_i 20 s [more than 15 s, or no repeat]: a low
#   priority alarm reminds rarely rather than never, since a central station may stand unwatched.
_X, _TD_HIGH = 0.100, 0.150
PATTERNS = {
    Priority.HIGH: BurstPattern(
        _TD_HIGH, (_X, _X, 2 * _X + _TD_HIGH, _X, 0.700, _X, _X, 2 * _X + _TD_HIGH, _X), 4.0),
    Priority.MEDIUM: BurstPattern(0.200, (0.200, 0.200), 7.0),
    Priority.LOW: BurstPattern(0.200, (), 20.0),
}


def _ramp_s(pulse_s: float) -> float:
    """The length of a linear 0-100 % ramp whose 10-90 % part is RISE_FRACTION of the pulse."""
    return RISE_FRACTION * pulse_s / 0.8


def pulse_envelope(pulse_s: float, rate: int = SAMPLE_RATE) -> np.ndarray:
    """One pulse's loudness from 0 to 1 and back, t_d long between its 90 % points."""
    ramp = _ramp_s(pulse_s)
    # t_d = 0.1 ramp (rise above 90 %) + plateau + 0.1 ramp (fall above 90 %)
    plateau = pulse_s - 0.2 * ramp
    rising = np.linspace(0.0, 1.0, round(ramp * rate), endpoint=False)
    return np.concatenate([rising, np.ones(round(plateau * rate)), rising[::-1]])


def tone(samples: int, rate: int = SAMPLE_RATE) -> np.ndarray:
    """The fundamental with its harmonics, peaking at 1."""
    t = np.arange(samples) / rate
    wave_ = sum(a * np.sin(2 * np.pi * FUNDAMENTAL_HZ * (n + 1) * t)
                for n, a in enumerate(HARMONIC_AMPLITUDES))
    return wave_ / np.max(np.abs(wave_))


def burst_samples(pattern: BurstPattern, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A whole burst as floats in [-PEAK, PEAK]: pulses with the pattern's silences between."""
    envelope = pulse_envelope(pattern.pulse_s, rate)
    pulse = envelope * tone(len(envelope), rate) * PEAK
    # the spacing is counted from a fall's 90 % point to the next rise's: 0.9 of each ramp is in it
    ramp_samples = round(_ramp_s(pattern.pulse_s) * rate)
    parts = [pulse]
    for spacing in pattern.spacings_s:
        parts.append(np.zeros(max(0, round(spacing * rate) - round(1.8 * ramp_samples))))
        parts.append(pulse)
    return np.concatenate(parts)


def pcm16(samples: np.ndarray) -> bytes:
    """Floats in [-1, 1] as 16-bit little-endian PCM, the format every audio output takes."""
    return np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2").tobytes()


@functools.cache
def burst_pcm() -> dict[Priority, bytes]:
    """Each priority's burst as 16-bit mono PCM at SAMPLE_RATE, made once per process."""
    return {priority: pcm16(burst_samples(pattern)) for priority, pattern in PATTERNS.items()}
