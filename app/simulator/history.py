"""A bed's past vitals at 1 Hz, days at a time: `BedPhysiology`'s model computed with numpy.

Same baseline, drift, noise, breathing swing, episodes and cuff cycle as the live monitor, but
whole arrays at once (a week of one bed in well under a second) instead of one `step` a second.
A long past is computed in blocks (`history_blocks`), each carrying on from the one before, so
its memory is one block's, whatever the range: a week in one piece took 150 MB of arrays at
its peak, and what the allocator kept of them stayed in the station's memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from app.simulator import physiology as model
from app.simulator.episodes import Episode, EpisodeKind, draw_episode
from stores.model import VitalSample

_VITALS = tuple(model._DRIFT)  # heart_rate, spo2, resp_rate, nibp_sys, nibp_dia, temperature
_FIELDS = ("heart_rate", "spo2", "resp_rate", "nibp_sys", "nibp_dia", "nibp_mean", "temperature")
_CUFF = ("nibp_sys", "nibp_dia", "nibp_mean")
_OU_BLOCK_TAUS = 30.0  # blocks of this many time constants keep exp(j / tau) far from overflow


def simulate_history(monitor: model.BedPhysiology, first: float, seconds: int,
                     gen: np.random.Generator) -> dict[str, np.ndarray]:
    """The monitor's samples at first, first + 1, ... (`seconds` of them, at least one), column
    by column: the six vitals and nibp_mean, rounded as the live monitor rounds them."""
    return next(history_blocks(monitor, first, seconds, gen, seconds))[1]


def history_blocks(monitor: model.BedPhysiology, first: float, seconds: int,
                   gen: np.random.Generator, block_s: int
                   ) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
    """`simulate_history` in blocks of `block_s` seconds: (offset from `first`, columns) of
    each. The values are those of one block of the whole range, whatever `block_s`."""
    past = _Past(monitor, first, seconds, gen)
    for lo in range(0, seconds, block_s):
        yield lo, past.block(lo, min(block_s, seconds - lo))


def samples(bed_id: str, first: float, columns: dict[str, np.ndarray]) -> list[VitalSample]:
    """The rows of `columns` as samples at first, first + 1, ... (plain floats, as the stores
    expect)."""
    lists = [columns[name].tolist() for name in _FIELDS]
    return [VitalSample(bed_id, first + i, *values, simulated=True)
            for i, values in enumerate(zip(*lists))]


class _Past:
    """One monitor's past: what is drawn for the whole range up front (episodes, breathing
    phase, cuff cycle: a few numbers an hour), and what one block hands the next (each
    vital's drift, the breaths so far, the reading the cuff holds)."""

    def __init__(self, monitor: model.BedPhysiology, first: float, seconds: int,
                 gen: np.random.Generator) -> None:
        self.monitor, self.first = monitor, first
        # In the order the live monitor's generator is drawn from: episodes, breathing, cuff.
        self.episodes = _episodes(monitor, first, seconds)
        self.breaths = monitor.rng.random()
        self.measured = _cuff_times(monitor, first, seconds, self.episodes)
        # A stream of numbers per vital for its drift and its noise: a block draws the next
        # stretch of each, so the numbers do not depend on where blocks end.
        streams = iter(gen.spawn(2 * len(_VITALS)))
        self.kicks = {name: next(streams) for name in _VITALS}
        self.noise = {name: next(streams) for name in _VITALS}
        self.drift = dict.fromkeys(_VITALS, 0.0)
        self.held = np.full(len(_CUFF), np.nan)  # sys, dia, mean: the cuff's last reading

    def block(self, lo: int, n: int) -> dict[str, np.ndarray]:
        """Seconds lo..lo+n-1 of the range; blocks must be asked for in order."""
        severity, targets, offsets = _episode_arrays(self.episodes, self.first + lo, n)
        truth = {name: self._vital(name, n, severity, targets[name], offsets[name])
                 for name in _VITALS}
        breath = np.cumsum(truth["resp_rate"] / 60.0) + self.breaths
        self.breaths = float(breath[-1])
        truth["heart_rate"] += ((1.0 - severity) * model._SINUS_ARRHYTHMIA_BPM
                                * np.sin(2 * np.pi * breath))
        columns = {name: _bounded(name, truth[name]) for name in _VITALS}
        for name in ("heart_rate", "spo2", "resp_rate"):
            columns[name] = np.round(columns[name])
        columns["temperature"] = np.round(columns["temperature"], 1)
        columns.update(self._cuff(lo, n, columns))
        return columns

    def _vital(self, name: str, n: int, severity: np.ndarray, targets: np.ndarray,
               offsets: np.ndarray) -> np.ndarray:
        """One vital's next n seconds: baseline and drift, moved by episodes, and noise."""
        spread, tau = model._DRIFT[name]
        drift = _drift(n, spread, tau, self.kicks[name], self.drift[name])
        self.drift[name] = float(drift[-1])
        normal = getattr(self.monitor.baseline, name) + drift
        hit = severity * np.where(np.isnan(targets), offsets, np.nan_to_num(targets - normal))
        return normal + hit + self.noise[name].normal(0.0, model._NOISE[name], n)

    def _cuff(self, lo: int, n: int, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The block's blood pressure as the cuff shows it: each reading held until the next,
        the one before the block's first held from the block before."""
        at = self.measured[np.searchsorted(self.measured, lo):
                           np.searchsorted(self.measured, lo + n)] - lo
        sys = np.round(columns["nibp_sys"][at])
        dia = np.round(np.minimum(columns["nibp_dia"][at], sys - 10))
        readings = np.column_stack([sys, dia, np.round(dia + (sys - dia) / 3.0)])
        readings = np.vstack([self.held, readings])  # row 0: the reading held coming in
        self.held = readings[-1]
        which = np.searchsorted(at, np.arange(n), side="right")  # 0: none yet in this block
        return {name: readings[which, i] for i, name in enumerate(_CUFF)}


def _drift(n: int, spread: float, tau: float, gen: np.random.Generator,
           x0: float = 0.0) -> np.ndarray:
    """The Ornstein-Uhlenbeck drift of `_Drift.step` at dt = 1 s, from `x0`:
    x[i] = k x[i-1] + c e[i]."""
    keep = math.exp(-1.0 / tau)
    kicks = gen.standard_normal(n) * spread * math.sqrt(1 - keep * keep)
    out = np.empty(n)
    block = max(int(tau * _OU_BLOCK_TAUS), 1)
    for lo in range(0, n, block):
        j = np.arange(1, min(block, n - lo) + 1)
        # x[j] = k^j x0 + sum_{i<=j} k^(j-i) e[i], with the sum as a cumulative sum.
        out[lo:lo + len(j)] = keep ** j * (x0 + np.cumsum(kicks[lo:lo + len(j)] * keep ** -j))
        x0 = out[lo + len(j) - 1]
    return out


def _episodes(monitor: model.BedPhysiology, first: float, seconds: int) -> list[Episode]:
    """Episodes as the live monitor starts them: a Poisson process while none is running."""
    rate = monitor.episodes_per_hour / 3600.0
    found, t, end = [], first, first + seconds
    while rate > 0:
        t += monitor.rng.expovariate(rate)
        if t >= end:
            break
        found.append(draw_episode(monitor.rng, float(math.ceil(t))))
        t = found[-1].end
    return found


def _episode_arrays(episodes: list[Episode], start: float, n: int):
    """Per second of start..start+n-1: the running episode's severity, and its targets and
    offsets per vital (NaN target: the vital is moved by its offset instead)."""
    severity = np.zeros(n)
    targets = {name: np.full(n, np.nan) for name in _VITALS}
    offsets = {name: np.zeros(n) for name in _VITALS}
    for ep in episodes:
        lo, hi = max(int(ep.start - start), 0), min(math.ceil(ep.end - start), n)
        if hi <= lo:
            continue
        t = start + np.arange(lo, hi)
        severity[lo:hi] = np.interp(t, [ep.start, ep.plateau_start, ep.plateau_start + ep.plateau,
                                        ep.end], [0.0, 1.0, 1.0, 0.0])
        for name, value in ep.targets.items():
            targets[name][lo:hi] = value
        for name, value in ep.offsets.items():
            offsets[name][lo:hi] = value
    return severity, targets, offsets


def _cuff_times(monitor: model.BedPhysiology, first: float, seconds: int,
                episodes: list[Episode]) -> np.ndarray:
    """The seconds (from `first`) at which the cuff measures: every cycle, and soon after a
    fall in pressure, and after recovery."""
    stat = sorted(t for ep in episodes if ep.kind is EpisodeKind.HYPOTENSION
                  for t in (ep.plateau_start + 5.0, ep.end + 1.0))
    # At switch-on, then after a first cycle shortened at random (as `BedPhysiology._cuff`),
    # then every cycle; a stat measurement restarts the cycle.
    measured, due, end = [0], first + monitor.nibp_interval * monitor.rng.random(), first + seconds
    while True:
        stat = [t for t in stat if t > first + measured[-1]]
        if stat and stat[0] < due:
            due = float(math.ceil(stat[0]))
        if due >= end:
            break
        measured.append(math.ceil(due - first))
        due = first + measured[-1] + monitor.nibp_interval
    return np.array(measured)


def _bounded(name: str, values: np.ndarray) -> np.ndarray:
    low, high = model.LIMITS[name]
    return np.clip(values, low, high)
