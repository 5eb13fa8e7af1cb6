"""Regional analytics: additive per-ward hourly rollups, occupancy, and the per-shift alarm
figures made from them."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time


@dataclass(frozen=True)
class WardHour:
    """What one ward did in one hour: alarms and vital-sign sums, mergeable by addition."""

    region: str
    ward: str
    hour: float  # epoch seconds at the start of the hour (UTC)
    alarms: int = 0
    heart_rate_sum: float = 0.0
    heart_rate_count: int = 0
    spo2_sum: float = 0.0
    spo2_count: int = 0
    bed_seconds: float = 0.0  # time occupied beds were monitored, for alarms per bed-hour
    acknowledged: int = 0  # acknowledgements made in the hour
    acknowledge_s_sum: float = 0.0  # their times from raised to acknowledged, summed

    @property
    def alarms_per_bed_hour(self) -> float | None:
        return self.alarms / (self.bed_seconds / 3600.0) if self.bed_seconds else None

    @property
    def acknowledge_s_mean(self) -> float | None:
        return self.acknowledge_s_sum / self.acknowledged if self.acknowledged else None

    @property
    def heart_rate_mean(self) -> float | None:
        return self.heart_rate_sum / self.heart_rate_count if self.heart_rate_count else None

    @property
    def spo2_mean(self) -> float | None:
        return self.spo2_sum / self.spo2_count if self.spo2_count else None

    def merged(self, other: WardHour) -> WardHour:
        return dataclasses.replace(
            self,
            alarms=self.alarms + other.alarms,
            heart_rate_sum=self.heart_rate_sum + other.heart_rate_sum,
            heart_rate_count=self.heart_rate_count + other.heart_rate_count,
            spo2_sum=self.spo2_sum + other.spo2_sum,
            spo2_count=self.spo2_count + other.spo2_count,
            bed_seconds=self.bed_seconds + other.bed_seconds,
            acknowledged=self.acknowledged + other.acknowledged,
            acknowledge_s_sum=self.acknowledge_s_sum + other.acknowledge_s_sum,
        )


def hour_start(time: float) -> float:
    return math.floor(time / 3600.0) * 3600.0


@dataclass(frozen=True)
class WardOccupancy:
    region: str
    ward: str
    occupied: int
    beds: int
    time: float

    @property
    def fraction(self) -> float:
        return self.occupied / self.beds if self.beds else 0.0





# Nursing shifts in local time: (starting hour, name). The night shift runs past midnight.
SHIFT_STARTS = ((7, "Day"), (15, "Evening"), (23, "Night"))


@dataclass(frozen=True)
class ShiftFigures:
    """A ward's alarm burden in one shift: how often alarms came per monitored bed, and how
    quickly they were acknowledged. None where there is nothing to divide by."""

    name: str  # "Day": the shift's name (`SHIFT_STARTS`); widgets say "This shift · Day 07–15"
    start: float
    end: float
    alarms: int
    bed_hours: float
    alarms_per_bed_hour: float | None
    acknowledged: int
    acknowledge_s_mean: float | None


def ward_shifts(now: float, count: int = 2) -> list[tuple[str, float, float]]:
    """The shift under way at `now` and the `count - 1` before it, newest first, as (name,
    start, end). Boundaries are local wall-clock hours, so a shift across a change of daylight
    saving time lasts 7 or 9 hours."""
    today = datetime.fromtimestamp(now).date()
    starts = sorted(
        (datetime.combine(today + timedelta(days=offset), dt_time(hour)), name)
        for offset in range(-(count // 3) - 2, 2) for hour, name in SHIFT_STARTS)
    current = max(i for i, (moment, _) in enumerate(starts) if moment.timestamp() <= now)
    shifts = []
    for back in range(count):
        (start, name), (end, _) = starts[current - back], starts[current - back + 1]
        shifts.append((name, start.timestamp(), end.timestamp()))
    return shifts


def shift_figures(hours: list[WardHour],
                  shifts: list[tuple[str, float, float]]) -> list[ShiftFigures]:
    """Add up the hours of each shift (an hour belongs to the shift its start falls in); give
    them only the hours of the wards the figures are for."""
    figures = []
    for name, start, end in shifts:
        total = WardHour("", "", start)
        for hour in hours:
            if start <= hour.hour < end:
                total = total.merged(hour)
        figures.append(ShiftFigures(
            name, start, end, total.alarms, total.bed_seconds / 3600.0,
            total.alarms_per_bed_hour, total.acknowledged, total.acknowledge_s_mean))
    return figures
