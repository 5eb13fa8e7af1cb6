"""The simulated ECG II and pleth: one QRS per beat at the heart rate, AF irregular, pulses after
the R waves, contiguous chunks, and cheap enough for 32 beds."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from app.simulator.episodes import Episode, EpisodeKind
from app.simulator.physiology import Baseline
from app.simulator.rhythm import BeatKind
from app.simulator.waveforms import CHUNK_S, BedWaveforms, draw_chunks
from stores.model import VitalSample, Waveform

T0 = 1_750_000_000.0
AF = ("Atrial fibrillation with rapid ventricular response",)


def bed(seed: str = "1", diagnoses: tuple[str, ...] = (), pvcs: float | None = 0.0) -> BedWaveforms:
    rng = random.Random(seed)
    waves = BedWaveforms("b", rng, Baseline.draw(random.Random(seed)), diagnoses)
    if pvcs is not None:
        waves.rhythm.pvcs_per_minute = pvcs
    waves.rhythm.paroxysmal = False
    return waves


def run(waves: BedWaveforms, seconds: int, heart_rate: float = 75, spo2: float = 97,
        episode: Episode | None = None) -> list:
    chunks = []
    for second in range(seconds):
        waves.update(VitalSample("b", T0 + second, heart_rate=heart_rate, spo2=spo2,
                                 resp_rate=16), episode)
        for quarter in range(1, 5):
            chunks += waves.chunks_until(T0 + second + quarter * CHUNK_S)
    return chunks


def trace(chunks: list, waveform: Waveform) -> tuple[np.ndarray, np.ndarray]:
    mine = [c for c in chunks if c.waveform is waveform]
    times = np.concatenate([c.start + np.arange(len(c.values)) / c.rate_hz for c in mine])
    return times - T0, np.concatenate([np.array(c.values) for c in mine])


def r_peaks(times: np.ndarray, ecg: np.ndarray, qrs_mv: float) -> np.ndarray:
    """R waves: sharp peaks that stand out of the samples 40 ms either side (T and P waves and
    the baseline's wander are too slow to), at least 200 ms apart."""
    sharp = ecg[10:-10] - (ecg[:-20] + ecg[20:]) / 2
    found, last = [], -1.0
    for i in np.flatnonzero(sharp > 0.4 * qrs_mv):
        at = i + 10
        window = ecg[max(at - 10, 0):at + 10]
        if ecg[at] == window.max() and times[at] - last > 0.2:
            found.append(times[at])
            last = times[at]
    return np.array(found)


def pleth_peaks(times: np.ndarray, pleth: np.ndarray) -> np.ndarray:
    middle = (pleth.max() + pleth.min()) / 2
    is_peak = (pleth[1:-1] > pleth[:-2]) & (pleth[1:-1] >= pleth[2:]) & (pleth[1:-1] > middle)
    return times[1:-1][is_peak]


@pytest.mark.parametrize("heart_rate", [45, 75, 150])
def test_one_qrs_per_beat_at_the_heart_rate_in_sinus_rhythm(heart_rate):
    waves = bed()
    times, ecg = trace(run(waves, 30, heart_rate), Waveform.ECG_II)
    peaks = r_peaks(times, ecg, waves.ecg_shape.qrs_mv)
    rr = np.diff(peaks[peaks > 2])
    assert 60 / rr.mean() == pytest.approx(heart_rate, rel=0.03)
    assert rr.std() / rr.mean() < 0.05  # regular
    assert len(peaks) == pytest.approx(30 * heart_rate / 60, abs=2)


def test_a_sinus_beat_has_a_p_wave_and_an_af_beat_none():
    sinus, af = bed("2"), bed("2", AF)
    for waves, p_wave in ((sinus, True), (af, False)):
        times, ecg = trace(run(waves, 20, 60), Waveform.ECG_II)
        peaks = r_peaks(times, ecg, waves.ecg_shape.qrs_mv)[2:-2]
        before = {offset: np.interp(peaks - offset, times, ecg) for offset in (0.08, 0.15, 0.26)}
        # The P wave peaks 150 ms before the R wave; 80 ms before it is the PR segment.
        rise = np.median(before[0.15] - (before[0.08] + before[0.26]) / 2)
        assert bool(rise > 0.08 * waves.ecg_shape.qrs_mv) is p_wave, rise


def test_atrial_fibrillation_is_irregular_around_the_heart_rate():
    waves = bed("3", AF)
    assert waves.rhythm.lasting_af
    times, ecg = trace(run(waves, 60, 90), Waveform.ECG_II)
    rr = np.diff(r_peaks(times, ecg, waves.ecg_shape.qrs_mv))
    assert rr.std() / rr.mean() > 0.12  # irregularly irregular
    assert 60 / rr.mean() == pytest.approx(90, rel=0.12)
    successive = np.abs(np.diff(rr))
    assert np.median(successive) > 0.05  # not a regular rhythm with a few outliers


def test_every_pulse_of_the_pleth_follows_an_r_wave_by_about_a_third_of_a_second():
    waves = bed("4")
    chunks = run(waves, 20, 80)
    r = r_peaks(*trace(chunks, Waveform.ECG_II), waves.ecg_shape.qrs_mv)
    pulses = pleth_peaks(*trace(chunks, Waveform.PLETH))
    pulses = pulses[(pulses > r[0]) & (pulses < r[-1] + 0.3)]
    assert len(pulses) == pytest.approx(len(r), abs=1)
    for pulse in pulses:
        delay = pulse - r[r < pulse].max()
        # Pulse transit to the finger (~200 ms) and the upstroke to the systolic peak.
        assert 0.25 <= delay <= 0.42, delay


def test_pvcs_come_early_and_are_followed_by_a_compensatory_pause():
    waves = bed("5", pvcs=12.0)
    kinds = []
    drawn = waves.rhythm.beats_until
    waves.rhythm.beats_until = lambda *a: [kinds.append(b.kind) or b for b in drawn(*a)]
    times, ecg = trace(run(waves, 60, 70), Waveform.ECG_II)
    assert kinds.count(BeatKind.PVC) >= 3
    peaks = r_peaks(times, ecg, waves.ecg_shape.qrs_mv)
    rr = np.diff(peaks)
    normal = np.median(rr)
    early = np.flatnonzero(rr < 0.75 * normal)
    assert len(early) >= 3
    for i in early[early + 1 < len(rr)]:
        assert rr[i] + rr[i + 1] == pytest.approx(2 * normal, rel=0.08)  # compensatory pause


def test_chunks_are_250_ms_contiguous_and_join_without_a_step():
    chunks = run(bed("6", pvcs=None), 20, 110)
    for waveform, per_second in ((Waveform.ECG_II, 250), (Waveform.PLETH, 125)):
        mine = [c for c in chunks if c.waveform is waveform]
        assert len(mine) == 4 * 20 - 1  # the first chunk starts at the first grid point
        assert all(b.start == a.end for a, b in itertools.pairwise(mine))
        assert sum(len(c.values) for c in mine[3:7]) == per_second
        assert {len(c.values) for c in mine} == {per_second // 4, per_second // 4 + 1}
        values = np.concatenate([c.values for c in mine])
        edges = np.cumsum([len(c.values) for c in mine])[:-1]
        steps = np.abs(np.diff(values))
        # A step at a chunk's edge is no larger than the steps inside the chunks.
        assert steps[edges - 1].max() <= np.percentile(steps, 99.5)


def test_the_same_patient_gives_the_same_waveforms_and_another_patient_others():
    first, again, other = (run(bed(seed, pvcs=None), 5) for seed in ("7", "7", "8"))
    assert [c.values for c in first] == [c.values for c in again]
    assert [c.values for c in first] != [c.values for c in other]


def test_a_bed_drawn_with_others_draws_what_it_draws_alone():
    """The beds of a ward are drawn together (`draw_chunks`), padded to the most beats any
    has: a slow bed beside fast ones, in AF or not, late by a chunk or not, is not changed."""
    def ward() -> list[BedWaveforms]:
        beds = [bed(str(n), AF if n % 3 == 0 else (), pvcs=None) for n in range(7)]
        for n, waves in enumerate(beds):
            waves.bed_id = f"b{n}"
        beds[4].rhythm.paroxysmal, beds[4].rhythm._af_run = True, (T0 + 2.1, T0 + 3.3)  # noqa: SLF001
        return beds

    together, alone = ward(), ward()
    drawn_together: list = []
    drawn_alone: list = []
    for second in range(6):
        for n, (a, b) in enumerate(zip(together, alone)):
            sample = VitalSample("b", T0 + second, heart_rate=45 + 25 * n, spo2=97, resp_rate=16)
            a.update(sample, None)
            b.update(sample, None)
        for quarter in range(1, 5):
            now = T0 + second + quarter * CHUNK_S
            # one bed misses a delivery now and then: it gives two chunks at the next
            late = [together[5]] if quarter == 2 else []
            drawn_together += draw_chunks([w for w in together if w not in late], now)
            drawn_alone += [c for w in alone if w is not alone[5] or quarter != 2
                            for c in w.chunks_until(now)]
    key = lambda c: (c.bed_id, c.waveform, c.start)  # noqa: E731
    assert sorted(drawn_together, key=key) == sorted(drawn_alone, key=key)
    assert len({len(c.values) for c in drawn_together}) == 4  # two lengths of ECG, two of pleth
    assert sum(c.waveform is Waveform.ECG_II for c in drawn_together) == 7 * (4 * 6 - 1)


def test_low_pressure_and_hypoxia_shrink_the_pulse():
    hypotension = Episode(EpisodeKind.HYPOTENSION, T0 - 100, 10, 1000, 10, {"nibp_sys": 75})
    normal = trace(run(bed("9"), 10, 80), Waveform.PLETH)[1]
    shocked = trace(run(bed("9"), 10, 80, episode=hypotension), Waveform.PLETH)[1]
    hypoxic = trace(run(bed("9"), 10, 80, spo2=78), Waveform.PLETH)[1]
    normal, shocked, hypoxic = (np.ptp(values[125:]) for values in (normal, shocked, hypoxic))
    assert shocked < 0.5 * normal and hypoxic < 0.8 * normal


def test_after_a_stall_the_strip_restarts_at_now_instead_of_catching_up():
    waves = bed("10")
    run(waves, 3)
    later = waves.chunks_until(T0 + 60.0)
    assert later == []  # restarted at 60 s: nothing completed yet
    resumed = waves.chunks_until(T0 + 60.5)
    assert [c.start for c in resumed if c.waveform is Waveform.ECG_II] == [T0 + 60.0, T0 + 60.252]


def test_32_beds_of_waveforms_come_whole_a_quarter_second_at_a_time():
    """What 32 monitors send each quarter second: per bed an ECG and a pleth chunk, each
    starting where the one before ended, a second's worth in four. What it costs is measured by
    `ward-station bench` (its CPU figure counts the whole station, the simulator's synthesis
    included), not by a timed test."""
    beds = [bed(str(n), pvcs=None) for n in range(32)]
    for waves in beds:
        run(waves, 1)  # the first second starts the strips
    sent: dict[tuple[int, Waveform], list] = {}
    for second in range(1, 4):
        for waves in beds:
            waves.update(VitalSample("b", T0 + second, heart_rate=80, spo2=97, resp_rate=16), None)
        for quarter in range(1, 5):
            for n, waves in enumerate(beds):
                chunks = waves.chunks_until(T0 + second + quarter * CHUNK_S)
                assert sorted(c.waveform for c in chunks) == [Waveform.ECG_II, Waveform.PLETH]
                for chunk in chunks:
                    sent.setdefault((n, chunk.waveform), []).append(chunk)
    for chunks in sent.values():
        ends = [c.start + len(c.values) / c.rate_hz for c in chunks]
        assert [c.start for c in chunks[1:]] == pytest.approx(ends[:-1])  # no gap, no overlap
        assert sum(len(c.values) for c in chunks) == pytest.approx(3 * chunks[0].rate_hz, abs=1)
        assert all(np.isfinite(c.values).all() for c in chunks)
