"""One simulated ward: a monitor per occupied bed and the ward's alarm engine (no stores, no Qt)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from app.alarms.engine import AlarmEngine
from app.alarms.rules import DEFAULT_RULES, AlarmRule
from app.simulator.physiology import DEFAULT_EPISODES_PER_HOUR, BedPhysiology
from app.simulator.waveforms import BedWaveforms, draw_chunks
from stores.model import Alarm, Bed, Patient, VitalSample, WaveformChunk


class SimulatedWard:
    """The bedside monitors of a ward. A monitor belongs to a patient: a new patient in a bed
    gets a new monitor with their own baseline."""

    def __init__(self, beds: list[Bed], clock: Callable[[], float], seed: int,
                 episodes_per_hour: float = DEFAULT_EPISODES_PER_HOUR,
                 rules: tuple[AlarmRule, ...] = DEFAULT_RULES) -> None:
        self.region = beds[0].region
        self.ward = beds[0].ward
        self.beds = beds
        self._seed = seed
        self._episodes_per_hour = episodes_per_hour
        self.patients: dict[str, Patient | None] = dict.fromkeys(b.id for b in beds)
        self.monitors: dict[str, BedPhysiology] = {}
        self.waveforms: dict[str, BedWaveforms] = {}
        self.engine = AlarmEngine(self.region, self.ward, self.patients, clock, rules)

    def set_patients(self, patients: Iterable[Patient]) -> list[Alarm]:
        """Put the ward's current patients in their beds; returns the alarms that this clears."""
        by_bed = {p.bed_id: p for p in patients if p.bed_id in self.patients}
        before, self.patients = self.patients, {bed.id: by_bed.get(bed.id) for bed in self.beds}
        for bed_id, patient in self.patients.items():
            if patient is None:
                self.monitors.pop(bed_id, None)
                self.waveforms.pop(bed_id, None)
            elif before[bed_id] is None or before[bed_id].id != patient.id:
                self.monitors[bed_id] = self._monitor(bed_id, patient)
                self.waveforms[bed_id] = self._waveforms(bed_id, patient)
        return self.engine.update_patients(self.patients)

    def step(self, now: float) -> list[VitalSample]:
        """One second of every occupied bed; the waveforms follow the new vitals."""
        samples = []
        for bed_id, monitor in self.monitors.items():
            sample = monitor.step(now)
            self.waveforms[bed_id].update(sample, monitor.episode)
            samples.append(sample)
        return samples

    def waveform_chunks(self, now: float) -> list[WaveformChunk]:
        """Every occupied bed's ECG and pleth chunks completed by `now` and not given before."""
        return draw_chunks(self.waveforms.values(), now)

    def evaluate(self, samples: list[VitalSample]) -> list[Alarm]:
        return self.engine.evaluate(samples)

    def _monitor(self, bed_id: str, patient: Patient) -> BedPhysiology:
        # Seeded by bed and patient: the same patient keeps the same physiology across restarts.
        rng = random.Random(f"{self._seed}:{bed_id}:{patient.id}")
        return BedPhysiology(bed_id, rng, episodes_per_hour=self._episodes_per_hour)

    def _waveforms(self, bed_id: str, patient: Patient) -> BedWaveforms:
        # Their own generator: drawing the waveforms leaves the seeded vitals as they were.
        rng = random.Random(f"{self._seed}:{bed_id}:{patient.id}:waveforms")
        return BedWaveforms(bed_id, rng, self.monitors[bed_id].baseline, patient.diagnoses)
