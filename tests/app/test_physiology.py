"""The simulated physiology: plausible values, a held blood pressure, and episodes that cross limits."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from app.alarms.engine import AlarmEngine
from app.demo.history import ALARMS_PER_BED_HOUR
from app.simulator.episodes import Episode, EpisodeKind, draw_episode
from app.simulator.physiology import Baseline, BedPhysiology, mean_pressure
from stores.model import Alarm, Priority, Vital

T0 = 1_750_000_000.0
WARD_BEDS = 16


def simulate_ward(minutes: int, seed: int, **options) -> tuple[list, list[Alarm]]:
    """A 16-bed ward for `minutes` simulated minutes; every sample and every alarm raised."""
    monitors = [BedPhysiology(f"w-{n:02d}", random.Random(f"{seed}:{n}"), **options)
                for n in range(WARD_BEDS)]
    now = T0
    engine = AlarmEngine("r", "w", dict.fromkeys(m.bed_id for m in monitors), lambda: now)
    samples, raised = [], []
    for second in range(minutes * 60):
        now = T0 + second
        batch = [m.step(now) for m in monitors]
        samples += batch
        raised += [a for a in engine.evaluate(batch) if a.condition_active]
    return samples, raised


@pytest.fixture(scope="module")
def ten_minutes():
    return simulate_ward(10, seed=3)


def test_baselines_fall_in_the_resting_ranges():
    rng = random.Random(1)
    for _ in range(200):
        b = Baseline.draw(rng)
        assert 60 <= b.heart_rate <= 95 and 95 <= b.spo2 <= 99 and 12 <= b.resp_rate <= 20
        assert 105 <= b.nibp_sys <= 140 and 60 <= b.nibp_dia <= 85
        assert 36.4 <= b.temperature <= 37.3


def test_values_stay_within_physiological_ranges(ten_minutes):
    samples, _ = ten_minutes
    assert min(s.heart_rate for s in samples) >= 30 and max(s.heart_rate for s in samples) <= 220
    assert min(s.spo2 for s in samples) >= 50 and max(s.spo2 for s in samples) <= 100
    assert 4 <= min(s.resp_rate for s in samples) and max(s.resp_rate for s in samples) <= 60
    assert all(s.nibp_dia < s.nibp_sys for s in samples)
    assert all(34 <= s.temperature <= 42 for s in samples)


def test_mean_pressure_is_a_third_of_the_way_from_diastolic_to_systolic(ten_minutes):
    samples, _ = ten_minutes
    assert mean_pressure(120, 60) == 80
    assert all(abs(s.nibp_mean - mean_pressure(s.nibp_sys, s.nibp_dia)) <= 0.5 for s in samples)


def test_blood_pressure_is_held_between_cuff_cycles():
    monitor = BedPhysiology("b", random.Random(5), episodes_per_hour=0, nibp_interval=180)
    readings = [monitor.step(T0 + s) for s in range(900)]
    changes = sum(a.nibp_sys != b.nibp_sys or a.nibp_dia != b.nibp_dia
                  for a, b in zip(readings, readings[1:]))
    assert 2 <= changes <= 5  # about one new reading per three minutes over fifteen minutes


def test_heart_rate_varies_but_temperature_changes_slowly():
    monitor = BedPhysiology("b", random.Random(8), episodes_per_hour=0)
    readings = [monitor.step(T0 + s) for s in range(300)]
    assert len({r.heart_rate for r in readings}) >= 5
    assert max(abs(a.temperature - b.temperature) for a, b in zip(readings, readings[1:])) <= 0.2


def test_the_same_seed_gives_the_same_patient():
    def run(seed):
        monitor = BedPhysiology("b", random.Random(seed))
        return [monitor.step(T0 + s) for s in range(120)]

    assert run(4) == run(4)
    assert run(4) != run(5)


def test_episode_ramps_up_holds_and_recovers():
    episode = Episode(EpisodeKind.DESATURATION, start=100, onset=20, plateau=30, recovery=40,
                      targets={"spo2": 84.0})
    assert episode.severity(100) == 0 and episode.severity(110) == pytest.approx(0.5)
    assert episode.severity(135) == 1 and episode.severity(170) == pytest.approx(0.5)
    assert episode.severity(190) == 0
    assert episode.apply("spo2", 96.0, 135) == 84.0 and episode.apply("spo2", 96.0, 300) == 96.0


@pytest.mark.parametrize("seed", range(20))
def test_episodes_reach_their_deranged_ranges(seed):
    episode = draw_episode(random.Random(seed), 0.0)
    targets = episode.targets
    if episode.kind is EpisodeKind.DESATURATION:
        assert 80 <= targets["spo2"] <= 88
    elif episode.kind is EpisodeKind.TACHYCARDIA:
        assert 125 <= targets["heart_rate"] <= 160
    elif episode.kind is EpisodeKind.HYPOTENSION:
        assert 70 <= targets["nibp_sys"] <= 88
        assert mean_pressure(targets["nibp_sys"], targets["nibp_dia"]) < 65
    assert 10 <= episode.onset + episode.plateau + episode.recovery


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_a_ward_crosses_alarm_limits_a_few_times_a_minute(seed):
    _, raised = simulate_ward(10, seed=seed)
    assert 2 <= len(raised) / 10 <= 6


def test_every_priority_occurs_in_a_ward(ten_minutes):
    _, raised = ten_minutes
    assert {a.priority for a in raised} == set(Priority)


def test_deteriorations_show_in_the_alarms(ten_minutes):
    _, raised = ten_minutes
    vitals = Counter(a.vital for a in raised)
    assert vitals[Vital.SPO2] and vitals[Vital.HEART_RATE] and vitals[Vital.NIBP_MEAN]


def test_episode_rate_is_a_parameter():
    _, calm = simulate_ward(5, seed=3, episodes_per_hour=0)
    _, busy = simulate_ward(5, seed=3, episodes_per_hour=60)
    assert calm == [] and len(busy) > 20


@pytest.mark.slow
def test_seeded_history_alarm_rate_matches_the_simulator():
    _, raised = simulate_ward(60, seed=17)
    per_bed_hour = len(raised) / WARD_BEDS
    assert ALARMS_PER_BED_HOUR * 0.6 <= per_bed_hour <= ALARMS_PER_BED_HOUR * 1.4
