"""One bed's live ECG II and pleth, cut into contiguous 250 ms chunks as their time comes.

Chunks lie on a grid of CHUNK_S shared by every bed (multiples of 250 ms of the clock), so each
delivery carries the same stretch of every bed. The vitals (heart rate, breathing, SpO2, the
episode) are taken up at chunk edges only: nothing already drawn is ever drawn again, and a
chunk starts exactly where the one before ended (`start` is the earlier chunk's `end`).

Each bed's own state (its beats, its breathing, its noise) is taken chunk by chunk in Python
(`BedWaveforms.plan_until`); the values are then drawn for many beds at once (`draw_chunks`),
one set of array operations per length of chunk rather than twenty per bed. For 64 beds, a
second of waveforms went from 83 to 30 ms of CPU, and a delivery holds the interpreter's lock
(which the UI thread needs for every frame) for about 7 ms rather than 20.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from app.simulator import ecg, pleth
from app.simulator.episodes import Episode
from app.simulator.physiology import Baseline
from app.simulator.rhythm import Beat, HeartRhythm
from stores.model import VitalSample, Waveform, WaveformChunk

CHUNK_S = 0.25
CHUNKS_PER_S = 4
MAX_CATCH_UP_S = 2.0  # after a longer stall the strip restarts at now, with a gap
_KEEP_S = max(pleth.REACH_AFTER_S, ecg.REACH_AFTER_S) + CHUNK_S
_FAR_S = -1.0e6  # a padding beat lies this long before the chunk (relative): nothing of it shows


@dataclass(frozen=True)
class _Plan:
    """One chunk of one bed, its state taken: what drawing its ECG and pleth needs."""

    waves: BedWaveforms
    n: int  # the chunk's index
    ecg: tuple[float, int, int]  # start (clock seconds), first sample's number, samples
    pleth: tuple[float, int, int]
    beats: list[tuple[float, int, float, float, float]]  # R wave (relative), kind, RR, filling, perfusion
    breath: float  # phase of the breathing cycle at the chunk's start
    breath_rate: float  # breaths a second
    noise: np.ndarray  # the electrodes' noise on each ECG sample
    fibrillating: np.ndarray | None  # 1.0 on the ECG samples where the atria fibrillate


def draw_chunks(beds: Iterable[BedWaveforms], now: float) -> list[WaveformChunk]:
    """Every chunk of `beds` that ends at or before `now` and was not given before: per bed,
    oldest first, an ECG and a pleth per chunk (what `BedWaveforms.chunks_until` gives)."""
    plans = [plan for waves in beds for plan in waves.plan_until(now)]
    drawn = _draw(plans)
    chunks = []
    for plan, (ecg_values, pleth_values) in zip(plans, drawn):
        bed_id = plan.waves.bed_id
        chunks.append(WaveformChunk(bed_id, Waveform.ECG_II, plan.ecg[0], Waveform.ECG_II.rate_hz,
                                    tuple(ecg_values), simulated=True))
        chunks.append(WaveformChunk(bed_id, Waveform.PLETH, plan.pleth[0], Waveform.PLETH.rate_hz,
                                    tuple(pleth_values), simulated=True))
    return chunks


def _draw(plans: list[_Plan]) -> list[tuple[list, list]]:
    """The ECG and pleth values of each plan, drawn together for the plans of one length."""
    drawn: list = [None] * len(plans)
    groups: dict[tuple[int, int], list[int]] = {}
    for index, plan in enumerate(plans):
        groups.setdefault((plan.ecg[2], plan.pleth[2]), []).append(index)
    for indexes in groups.values():
        group = [plans[i] for i in indexes]
        beats = _beats(group)
        for i, ecg_values, pleth_values in zip(indexes, _ecg(group, beats), _pleth(group, beats)):
            drawn[i] = (ecg_values, pleth_values)
    return drawn


def _times(firsts: list[int], count: int, waveform: Waveform) -> np.ndarray:
    """(beds, samples): the times of `count` samples from each bed's first (numbered from its
    chunk 0), relative to its chunk 0 (small numbers keep full precision)."""
    return (np.array(firsts)[:, None] + np.arange(count)) / waveform.rate_hz


def _breath_phase(plans: list[_Plan], times: np.ndarray) -> np.ndarray:
    breath = np.array([p.breath for p in plans])[:, None]
    starts = np.array([p.n * CHUNK_S for p in plans])[:, None]
    return breath + (times - starts) * np.array([p.breath_rate for p in plans])[:, None]


def _beats(plans: list[_Plan]) -> tuple[np.ndarray, ...]:
    """(beds, beats): R wave times, kinds, RRs, fillings and perfusions, each bed's beats
    padded to the most any has with beats far away and of no size."""
    most = max(len(p.beats) for p in plans)
    padding = (_FAR_S, 0, 1.0, 1.0, 0.0)
    rows = [p.beats + [padding] * (most - len(p.beats)) for p in plans]
    table = np.array(rows, dtype=np.float64).reshape(len(plans), most, len(padding))
    real = np.arange(most) < np.array([len(p.beats) for p in plans])[:, None]
    at, kinds, rr, filling, perfused = np.moveaxis(table, 2, 0)
    return at, kinds.astype(np.intp), rr, filling, perfused, real.astype(np.float64)


def _ecg(plans: list[_Plan], beats: tuple[np.ndarray, ...]) -> list[list[float]]:
    times = _times([p.ecg[1] for p in plans], plans[0].ecg[2], Waveform.ECG_II)
    at, kinds, rr, _, _, real = beats
    shapes = [p.waves.ecg_shape for p in plans]
    values = ecg.draw_complexes(times, at, ecg.beat_waves(shapes, kinds, rr, real))
    values += ecg.wander(shapes, times, _breath_phase(plans, times))
    values += np.array([p.noise for p in plans])
    for row, (plan, shape) in enumerate(zip(plans, shapes)):
        if plan.fibrillating is not None:
            values[row] += ecg.fibrillation(shape, times[row]) * plan.fibrillating
    return np.round(values, 3).tolist()


def _pleth(plans: list[_Plan], beats: tuple[np.ndarray, ...]) -> list[list[float]]:
    times = _times([p.pleth[1] for p in plans], plans[0].pleth[2], Waveform.PLETH)
    at, _, _, filling, perfused, _ = beats
    shapes = [p.waves.pleth_shape for p in plans]
    sizes = pleth.pulse_sizes(shapes, filling, perfused)
    values = pleth.draw_pulses(shapes, times, at, sizes, _breath_phase(plans, times))
    return np.round(values, 4).tolist()


class BedWaveforms:
    """The waveforms of one patient's monitor; `chunks_until(now)` gives every chunk completed."""

    def __init__(self, bed_id: str, rng: random.Random, baseline: Baseline,
                 diagnoses: tuple[str, ...] = ()) -> None:
        self.bed_id = bed_id
        self.rhythm = HeartRhythm(random.Random(rng.getrandbits(64)), diagnoses)
        self.ecg_shape = ecg.EcgShape.draw(rng)
        self.pleth_shape = pleth.PlethShape.draw(rng)
        self._noise = np.random.default_rng(rng.getrandbits(64))
        self._vitals = (baseline.heart_rate, baseline.resp_rate, baseline.spo2)
        self._episode: Episode | None = None
        self._breath = rng.random()  # phase of the breathing cycle at the next chunk's start
        self._epoch: float | None = None  # grid point of chunk 0, a multiple of CHUNK_S
        self._next = 0  # index of the next chunk
        self._starts: dict[Waveform, float] = {}
        self._beats: list[tuple[Beat, float, float]] = []  # beat, the RR then, the perfusion then

    def update(self, sample: VitalSample, episode: Episode | None) -> None:
        """The bed's newest vitals, drawn from the next chunk on."""
        hr, rr, spo2 = self._vitals
        self._vitals = (sample.heart_rate or hr, sample.resp_rate or rr, sample.spo2 or spo2)
        self._episode = episode

    def chunks_until(self, now: float) -> list[WaveformChunk]:
        """Every chunk that ends at or before `now` and was not given before, oldest first."""
        return draw_chunks([self], now)

    def plan_until(self, now: float) -> list[_Plan]:
        """The chunks `chunks_until` gives, the bed's state taken for each (`draw_chunks`)."""
        if self._epoch is None or now - self._chunk_time(self._next) > MAX_CATCH_UP_S:
            self._restart(now)
        plans: list[_Plan] = []
        while self._chunk_time(self._next + 1) <= now:
            plans.append(self._plan_chunk())
        return plans

    def _chunk_time(self, index: int) -> float:
        return self._epoch + index * CHUNK_S

    def _restart(self, now: float) -> None:
        # The first chunk (or the first after a stall) starts at the grid point before now.
        self._epoch = math.floor(now / CHUNK_S) * CHUNK_S
        self._next = 0
        self._starts = {w: self._epoch for w in Waveform}
        self._beats = []
        self.rhythm.skip_to(self._epoch)

    def _plan_chunk(self) -> _Plan:
        n, self._next = self._next, self._next + 1
        heart_rate, resp_rate, spo2 = self._vitals
        start = self._chunk_time(n)
        ahead = start + CHUNK_S + ecg.REACH_BEFORE_S  # the next beat's P wave may show already
        perfused = pleth.perfusion(self._episode, start, spo2)
        rr = 60.0 / max(heart_rate, 1.0)
        for beat in self.rhythm.beats_until(ahead, heart_rate, self._episode):
            self._beats.append((beat, rr, perfused))
        self._beats = [b for b in self._beats if b[0].time > start - _KEEP_S]
        beats = [(b.time - self._epoch, int(b.kind), b_rr, b.filling, size)
                 for b, b_rr, size in self._beats]
        ecg_samples, pleth_samples = self._samples(Waveform.ECG_II, n), self._samples(Waveform.PLETH, n)
        noise = self._noise.normal(0.0, self.ecg_shape.noise_mv, ecg_samples[1])
        fibrillating = None
        if self.rhythm.fibrillates_during(start, start + CHUNK_S):
            ecg_times = _times([ecg_samples[0]], ecg_samples[1], Waveform.ECG_II)[0]
            fibrillating = self.rhythm.af_mask(ecg_times + self._epoch)
        plan = _Plan(self, n, self._take(Waveform.ECG_II, ecg_samples),
                     self._take(Waveform.PLETH, pleth_samples), beats, self._breath,
                     resp_rate / 60.0, noise, fibrillating)
        self._breath = (self._breath + CHUNK_S * plan.breath_rate) % 1.0
        return plan

    @staticmethod
    def _samples(waveform: Waveform, n: int) -> tuple[int, int]:
        """The number of chunk n's first sample, counted from chunk 0's, and how many it has."""
        per_chunk = waveform.rate_hz * CHUNK_S  # 62.5 and 31.25: chunks alternate in length
        first, last = math.ceil(n * per_chunk), math.ceil((n + 1) * per_chunk)
        return first, last - first

    def _take(self, waveform: Waveform, samples: tuple[int, int]) -> tuple[float, int, int]:
        """The next chunk's start for `waveform`, with `samples`; the one after starts at its end."""
        start = self._starts[waveform]
        self._starts[waveform] = start + samples[1] / waveform.rate_hz
        return start, *samples
