"""A plausible past day of hourly ward rollups, so the analytics panel has a history on first start."""

from __future__ import annotations

import math
import random

from app.simulator.physiology import Baseline
from stores.model import WardHour, hour_start

HISTORY_HOURS = 24
SAMPLES_PER_BED_HOUR = 3600  # the monitors report once a second
# Alarms a bed raises per hour at the simulator's default episode rate (measured over long runs
# of app/simulator with the default rules; tests/app/test_physiology.py keeps the two in step).
ALARMS_PER_BED_HOUR = 12.0
ACKNOWLEDGED_SHARE = (0.25, 0.45)  # of the alarms raised
ACKNOWLEDGE_S = (25.0, 60.0)  # mean time to acknowledge, by day (longer at night)


def past_ward_hours(region: str, ward: str, occupied: int, acuity: float, rng: random.Random,
                    now: float) -> list[WardHour]:
    """The ward's last `HISTORY_HOURS` full hours, drawn from the simulator's physiology.

    The ward's patients get baselines as the simulator draws them; the heart rate follows the
    day (lower at night), and `acuity` scales both the alarm load and how unwell the ward is.
    """
    baselines = [Baseline.draw(rng) for _ in range(max(occupied, 1))]
    heart_rate = sum(b.heart_rate for b in baselines) / len(baselines)
    spo2 = sum(b.spo2 for b in baselines) / len(baselines)
    current = hour_start(now)
    return [
        _hour(region, ward, current - back * 3600.0, occupied, acuity, heart_rate, spo2, rng)
        for back in range(HISTORY_HOURS, 0, -1)
    ]


def _hour(region: str, ward: str, hour: float, occupied: int, acuity: float, heart_rate: float,
          spo2: float, rng: random.Random) -> WardHour:
    day = _daytime(hour)
    beds = max(occupied + rng.choice((-1, 0, 0, 0, 1)), 0)  # admissions and discharges
    samples = beds * SAMPLES_PER_BED_HOUR
    expected_alarms = beds * ALARMS_PER_BED_HOUR * acuity * (0.75 + 0.5 * day)
    alarms = max(round(rng.gauss(expected_alarms, math.sqrt(expected_alarms or 1.0))), 0)
    hour_hr = heart_rate + 6.0 * day - 3.0 + 4.0 * (acuity - 1.0) + rng.gauss(0, 1.2)
    hour_spo2 = min(spo2 - 0.8 * (acuity - 1.0) + rng.gauss(0, 0.25), 100.0)
    # Most alarms end by themselves before anyone reaches them; nurses answer the rest, more
    # slowly at night when fewer are on the floor.
    acknowledged = round(alarms * rng.uniform(*ACKNOWLEDGED_SHARE))
    answer_s = rng.uniform(*ACKNOWLEDGE_S) * (1.4 - 0.6 * day)
    return WardHour(
        region, ward, hour, alarms=alarms,
        heart_rate_sum=round(hour_hr * samples, 1), heart_rate_count=samples,
        spo2_sum=round(hour_spo2 * samples, 1), spo2_count=samples,
        bed_seconds=float(beds * 3600), acknowledged=acknowledged,
        acknowledge_s_sum=round(acknowledged * answer_s, 1),
    )


def _daytime(hour: float) -> float:
    """0 at four in the morning, 1 at four in the afternoon (UTC: the demo has no time zone)."""
    clock_hour = (hour % 86400.0) / 3600.0
    return 0.5 - 0.5 * math.cos(2 * math.pi * (clock_hour - 4.0) / 24.0)
