"""Scripted deteriorations of the bedside simulator: desaturation, tachycardia, hypotension, fever."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field


class EpisodeKind(str, enum.Enum):
    DESATURATION = "desaturation"
    TACHYCARDIA = "tachycardia"
    HYPOTENSION = "hypotension"
    FEVER = "fever"


# How often each kind starts, relative to the others. Fever is rare because it lasts long.
EPISODE_WEIGHTS = {
    EpisodeKind.DESATURATION: 0.36,
    EpisodeKind.TACHYCARDIA: 0.30,
    EpisodeKind.HYPOTENSION: 0.24,
    EpisodeKind.FEVER: 0.10,
}

# (onset, plateau, recovery) ranges in seconds. Fever builds and settles over minutes.
_PHASES = {
    EpisodeKind.DESATURATION: ((15, 35), (30, 90), (20, 50)),
    EpisodeKind.TACHYCARDIA: ((10, 30), (30, 90), (20, 60)),
    EpisodeKind.HYPOTENSION: ((20, 40), (40, 100), (30, 60)),
    EpisodeKind.FEVER: ((120, 240), (180, 420), (180, 300)),
}


@dataclass(frozen=True)
class Episode:
    """One deterioration: where the vitals head (`targets`, absolute) or how far they move
    (`offsets`, relative), with a linear onset ramp, a plateau and a linear recovery."""

    kind: EpisodeKind
    start: float
    onset: float
    plateau: float
    recovery: float
    targets: dict[str, float] = field(default_factory=dict)
    offsets: dict[str, float] = field(default_factory=dict)

    @property
    def plateau_start(self) -> float:
        return self.start + self.onset

    @property
    def end(self) -> float:
        return self.start + self.onset + self.plateau + self.recovery

    def severity(self, now: float) -> float:
        """0 before and after the episode, 1 on its plateau, linear on the ramps."""
        t = now - self.start
        if t <= 0 or now >= self.end:
            return 0.0
        if t < self.onset:
            return t / self.onset
        t -= self.onset + self.plateau
        return 1.0 if t <= 0 else 1.0 - t / self.recovery

    def apply(self, field_name: str, normal: float, now: float) -> float:
        """The value of one vital, given what it would be without the episode."""
        s = self.severity(now)
        if s == 0.0:
            return normal
        if field_name in self.targets:
            return normal + s * (self.targets[field_name] - normal)
        return normal + s * self.offsets.get(field_name, 0.0)


def draw_episode(rng: random.Random, start: float) -> Episode:
    """A random episode starting at `start`, its kind drawn by `EPISODE_WEIGHTS`."""
    kind = rng.choices(list(EPISODE_WEIGHTS), weights=list(EPISODE_WEIGHTS.values()))[0]
    onset, plateau, recovery = (rng.uniform(*bounds) for bounds in _PHASES[kind])
    targets, offsets = _EFFECTS[kind](rng)
    return Episode(kind, start, onset, plateau, recovery, targets, offsets)


def _desaturation(rng: random.Random) -> tuple[dict, dict]:
    # The body answers falling oxygen by breathing faster and raising the heart rate.
    return {"spo2": rng.uniform(80, 88)}, {
        "resp_rate": rng.uniform(5, 11),
        "heart_rate": rng.uniform(8, 20),
    }


def _tachycardia(rng: random.Random) -> tuple[dict, dict]:
    return {"heart_rate": rng.uniform(125, 160)}, {"resp_rate": rng.uniform(0, 4)}


def _hypotension(rng: random.Random) -> tuple[dict, dict]:
    systolic = rng.uniform(70, 88)
    # A diastolic near 0.58 of the systolic keeps the mean pressure under 65 mmHg.
    diastolic = systolic * rng.uniform(0.54, 0.6)
    return {"nibp_sys": systolic, "nibp_dia": diastolic}, {"heart_rate": rng.uniform(10, 25)}


def _fever(rng: random.Random) -> tuple[dict, dict]:
    temperature = rng.uniform(38.6, 39.4)
    # Roughly ten beats per minute more per degree of fever.
    return {"temperature": temperature}, {
        "heart_rate": (temperature - 37.0) * 10.0,
        "resp_rate": rng.uniform(2, 5),
    }


_EFFECTS = {
    EpisodeKind.DESATURATION: _desaturation,
    EpisodeKind.TACHYCARDIA: _tachycardia,
    EpisodeKind.HYPOTENSION: _hypotension,
    EpisodeKind.FEVER: _fever,
}
