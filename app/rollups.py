"""Hourly ward rollups for the analytics store: alarms, monitored bed time and vital-sign sums,
plus occupancy."""

from __future__ import annotations

from collections.abc import Iterable

from stores.model import (
    Alarm,
    Bed,
    Patient,
    Vital,
    VitalSample,
    WardHour,
    WardOccupancy,
    hour_start,
)

SAMPLE_INTERVAL_S = 1.0  # the simulator's tick: one sample per occupied bed per second


class RollupAccumulator:
    """Collects samples and alarms and hands out what they add to each (region, ward, hour).

    What `drain` returns are deltas: the analytics store merges them into its rows by addition,
    so draining often loses nothing and counts nothing twice.
    """

    def __init__(self) -> None:
        self._hours: dict[tuple[str, str, float], WardHour] = {}

    def add_samples(self, region: str, ward: str, samples: Iterable[VitalSample],
                    interval_s: float = SAMPLE_INTERVAL_S) -> None:
        """Add the samples' vitals, and `interval_s` of monitored bed time for each: only an
        occupied bed sends samples, so their count is the ward's bed time (alarms per bed-hour
        divide by it). A sample with no value at all still counts: the bed was monitored."""
        for sample in samples:
            heart_rate, spo2 = sample.value(Vital.HEART_RATE), sample.value(Vital.SPO2)
            self.add(WardHour(
                region, ward, hour_start(sample.time),
                heart_rate_sum=heart_rate or 0.0, heart_rate_count=int(heart_rate is not None),
                spo2_sum=spo2 or 0.0, spo2_count=int(spo2 is not None),
                bed_seconds=interval_s,
            ))

    def add_alarms(self, alarms: Iterable[Alarm]) -> None:
        """Count the alarms raised; other versions of an alarm (cleared, acknowledged) do not count."""
        for alarm in alarms:
            if alarm.condition_active and not alarm.acknowledged:
                self.add(WardHour(alarm.region, alarm.ward, hour_start(alarm.raised_at), alarms=1))

    def add(self, delta: WardHour) -> None:
        """Merge a delta in (also how the caller puts back rollups it could not deliver)."""
        key = (delta.region, delta.ward, delta.hour)
        held = self._hours.get(key)
        self._hours[key] = delta if held is None else held.merged(delta)

    def drain(self) -> list[WardHour]:
        """Everything collected since the last drain, by region, ward and hour; then start afresh."""
        hours = [self._hours[key] for key in sorted(self._hours)]
        self._hours.clear()
        return hours


def occupancy(beds: Iterable[Bed], patients: Iterable[Patient], now: float) -> list[WardOccupancy]:
    """How many beds of each ward hold a patient, by region then ward."""
    occupied_beds = {p.bed_id for p in patients if p.bed_id is not None}
    counts: dict[tuple[str, str], list[int]] = {}
    for bed in beds:
        count = counts.setdefault((bed.region, bed.ward), [0, 0])
        count[0] += bed.id in occupied_beds
        count[1] += 1
    return [WardOccupancy(region, ward, occupied, total, now)
            for (region, ward), (occupied, total) in sorted(counts.items())]
