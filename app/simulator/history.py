"""A bed's past vitals at 1 Hz, days at a time: `BedPhysiology`'s model computed with numpy.

Same baseline, drift, noise, breathing swing, episodes and cuff cycle as the live monitor, but
whole arrays at once (a week of one bed in well under a second) instead of one `step` a second.
"""

from __future__ import annotations

import math

import numpy as np

from app.simulator import physiology as model
from app.simulator.episodes import Episode, EpisodeKind, draw_episode
from stores.model import VitalSample

_VITALS = tuple(model._DRIFT)  # heart_rate, spo2, resp_rate, nibp_sys, nibp_dia, temperature
_FIELDS = ("heart_rate", "spo2", "resp_rate", "nibp_sys", "nibp_dia", "nibp_mean", "temperature")
_OU_BLOCK_TAUS = 30.0  # blocks of this many time constants keep exp(j / tau) far from overflow


def simulate_history(monitor: model.BedPhysiology, first: float, seconds: int,
                     gen: np.random.Generator) -> dict[str, np.ndarray]:
    """The monitor's samples at first, first + 1, ... (`seconds` of them), column by column:
    the six vitals and nibp_mean, rounded as the live monitor rounds them."""
    episodes = _episodes(monitor, first, seconds)
    severity, targets, offsets = _episode_arrays(episodes, first, seconds)
    truth = {}
    for name in _VITALS:
        spread, tau = model._DRIFT[name]
        normal = getattr(monitor.baseline, name) + _drift(seconds, spread, tau, gen)
        hit = severity * np.where(np.isnan(targets[name]), offsets[name],
                                  np.nan_to_num(targets[name] - normal))
        truth[name] = normal + hit + gen.normal(0.0, model._NOISE[name], seconds)
    breath = np.cumsum(truth["resp_rate"] / 60.0) + monitor.rng.random()
    truth["heart_rate"] += (1.0 - severity) * model._SINUS_ARRHYTHMIA_BPM * np.sin(2 * np.pi * breath)
    columns = {name: _bounded(name, truth[name]) for name in _VITALS}
    for name in ("heart_rate", "spo2", "resp_rate"):
        columns[name] = np.round(columns[name])
    columns["temperature"] = np.round(columns["temperature"], 1)
    columns.update(_cuff(monitor, first, seconds, columns, episodes))
    return columns


def samples(bed_id: str, first: float, columns: dict[str, np.ndarray], lo: int, hi: int
            ) -> list[VitalSample]:
    """Rows lo..hi-1 of `columns` as samples (plain floats, as the stores expect)."""
    lists = [columns[name][lo:hi].tolist() for name in _FIELDS]
    return [VitalSample(bed_id, first + lo + i, *values, simulated=True)
            for i, values in enumerate(zip(*lists))]


def _drift(n: int, spread: float, tau: float, gen: np.random.Generator) -> np.ndarray:
    """The Ornstein-Uhlenbeck drift of `_Drift.step` at dt = 1 s: x[i] = k x[i-1] + c e[i]."""
    keep = math.exp(-1.0 / tau)
    kicks = gen.standard_normal(n) * spread * math.sqrt(1 - keep * keep)
    out = np.empty(n)
    block = max(int(tau * _OU_BLOCK_TAUS), 1)
    x0 = 0.0
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


def _episode_arrays(episodes: list[Episode], first: float, seconds: int):
    """Per second: the running episode's severity, and its targets and offsets per vital
    (NaN target: the vital is moved by its offset instead)."""
    severity = np.zeros(seconds)
    targets = {name: np.full(seconds, np.nan) for name in _VITALS}
    offsets = {name: np.zeros(seconds) for name in _VITALS}
    for ep in episodes:
        lo, hi = int(ep.start - first), min(math.ceil(ep.end - first), seconds)
        t = first + np.arange(lo, hi)
        severity[lo:hi] = np.interp(t, [ep.start, ep.plateau_start, ep.plateau_start + ep.plateau,
                                        ep.end], [0.0, 1.0, 1.0, 0.0])
        for name, value in ep.targets.items():
            targets[name][lo:hi] = value
        for name, value in ep.offsets.items():
            offsets[name][lo:hi] = value
    return severity, targets, offsets


def _cuff(monitor: model.BedPhysiology, first: float, seconds: int,
          columns: dict[str, np.ndarray], episodes: list[Episode]) -> dict[str, np.ndarray]:
    """The blood pressure as the cuff shows it: measured every cycle (and soon after a fall in
    pressure, and after recovery), held in between."""
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
    at = np.array(measured)
    sys = np.round(columns["nibp_sys"][at])
    dia = np.round(np.minimum(columns["nibp_dia"][at], sys - 10))
    mean = np.round(dia + (sys - dia) / 3.0)
    which = np.searchsorted(at, np.arange(seconds), side="right") - 1
    return {"nibp_sys": sys[which], "nibp_dia": dia[which], "nibp_mean": mean[which]}


def _bounded(name: str, values: np.ndarray) -> np.ndarray:
    low, high = model.LIMITS[name]
    return np.clip(values, low, high)
