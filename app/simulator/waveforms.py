"""One bed's live ECG II and pleth, cut into contiguous 250 ms chunks as their time comes.

Chunks lie on a grid of CHUNK_S shared by every bed (multiples of 250 ms of the clock), so each
delivery carries the same stretch of every bed. The vitals (heart rate, breathing, SpO2, the
episode) are taken up at chunk edges only: nothing already drawn is ever drawn again, and a
chunk starts exactly where the one before ended (`start` is the earlier chunk's `end`).
"""

from __future__ import annotations

import math
import random

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
        if self._epoch is None or now - self._chunk_time(self._next) > MAX_CATCH_UP_S:
            self._restart(now)
        chunks: list[WaveformChunk] = []
        while self._chunk_time(self._next + 1) <= now:
            chunks += self._draw_chunk()
        return chunks

    def _chunk_time(self, index: int) -> float:
        return self._epoch + index * CHUNK_S

    def _restart(self, now: float) -> None:
        # The first chunk (or the first after a stall) starts at the grid point before now.
        self._epoch = math.floor(now / CHUNK_S) * CHUNK_S
        self._next = 0
        self._starts = {w: self._epoch for w in Waveform}
        self._beats = []
        self.rhythm.skip_to(self._epoch)

    def _draw_chunk(self) -> list[WaveformChunk]:
        n, self._next = self._next, self._next + 1
        heart_rate, resp_rate, spo2 = self._vitals
        start = self._chunk_time(n)
        ahead = start + CHUNK_S + ecg.REACH_BEFORE_S  # the next beat's P wave may show already
        perfused = pleth.perfusion(self._episode, start, spo2)
        rr = 60.0 / max(heart_rate, 1.0)
        for beat in self.rhythm.beats_until(ahead, heart_rate, self._episode):
            self._beats.append((beat, rr, perfused))
        self._beats = [b for b in self._beats if b[0].time > start - _KEEP_S]
        breath_rate = resp_rate / 60.0
        beats = self._beat_arrays()
        chunks = [self._ecg(n, breath_rate, beats), self._pleth(n, breath_rate, beats)]
        self._breath = (self._breath + CHUNK_S * breath_rate) % 1.0
        return chunks

    def _times(self, waveform: Waveform, n: int) -> np.ndarray:
        """Sample times of chunk n relative to chunk 0 (small numbers keep full precision)."""
        per_chunk = waveform.rate_hz * CHUNK_S  # 62.5 and 31.25: chunks alternate in length
        first, last = math.ceil(n * per_chunk), math.ceil((n + 1) * per_chunk)
        return np.arange(first, last) / waveform.rate_hz

    def _breath_phase(self, n: int, times: np.ndarray, breath_rate: float) -> np.ndarray:
        return self._breath + (times - n * CHUNK_S) * breath_rate

    def _beat_arrays(self) -> tuple[np.ndarray, ...]:
        """R wave times (relative), kinds, RRs, fillings and perfusions of the beats kept."""
        beats = self._beats
        return (np.array([b.time - self._epoch for b, _, _ in beats]),
                np.array([int(b.kind) for b, _, _ in beats], dtype=np.intp),
                np.array([rr for _, rr, _ in beats]),
                np.array([b.filling for b, _, _ in beats]),
                np.array([size for _, _, size in beats]))

    def _ecg(self, n: int, breath_rate: float, beats: tuple[np.ndarray, ...]) -> WaveformChunk:
        times = self._times(Waveform.ECG_II, n)
        at, kinds, rr, _, _ = beats
        shape = self.ecg_shape
        values = ecg.draw_complexes(times, at, ecg.beat_waves(shape, kinds, rr))
        values += ecg.wander(shape, times, self._breath_phase(n, times, breath_rate))
        values += self._noise.normal(0.0, shape.noise_mv, len(times))
        fibrillating = self.rhythm.af_mask(times + self._epoch)
        if fibrillating.any():
            values += ecg.fibrillation(shape, times) * fibrillating
        return self._chunk(Waveform.ECG_II, np.round(values, 3))

    def _pleth(self, n: int, breath_rate: float, beats: tuple[np.ndarray, ...]) -> WaveformChunk:
        times = self._times(Waveform.PLETH, n)
        at, _, _, filling, perfused = beats
        shape = self.pleth_shape
        sizes = pleth.pulse_sizes(shape, filling, perfused)
        values = pleth.draw_pulses(shape, times, at, sizes,
                                   self._breath_phase(n, times, breath_rate))
        return self._chunk(Waveform.PLETH, np.round(values, 4))

    def _chunk(self, waveform: Waveform, values: np.ndarray) -> WaveformChunk:
        chunk = WaveformChunk(self.bed_id, waveform, self._starts[waveform], waveform.rate_hz,
                              tuple(values.tolist()), simulated=True)
        self._starts[waveform] = chunk.end
        return chunk
