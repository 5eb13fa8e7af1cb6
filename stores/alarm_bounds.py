"""The hard clinical bounds of alarm limits: how far a ward's or a patient's limits may move an
alarm before it could fail to sound when it must. This is the one place they are set; a
station's config may only tighten them (`tightened`), and nothing relaxes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlarmBounds:
    """For one vital: a low limit may not be set below `low`, a high limit not above `high`,
    a condition delay not longer than `delay_s`. None leaves that part unbounded here (the
    vital's plausible range still applies)."""

    low: float | None = None
    high: float | None = None
    delay_s: float | None = None


# Keyed by the vital's value (`Vital.SPO2.value`): this module comes before the records.
#
# Where the numbers come from. IEC 60601-1-8 leaves adjustable limits and condition delays to
# the manufacturer but requires that an operator cannot set them so as to make an alarm
# system useless; bedside monitors therefore bound what a user may set (e.g. Philips IntelliVue
# and GE CARESCAPE: SpO2 delay at most 30 s, apnoea time at most 40 s). The floors below sit
# just above the bands that NEWS2 (Royal College of Physicians, 2017) scores 3, its most urgent:
# SpO2 <= 83 % (scale 2, the lowest target any ward uses, for hypercapnic COPD), RR <= 8/min,
# HR <= 40 bpm, systolic <= 90 mmHg, temperature <= 35.0 C. A limit may reach into that band
# for a patient whose normal lies there (a COPD patient alarming at 85 %), never past the point
# where the alarm would come too late to act on: SpO2 85 %, RR 5/min, HR 30 bpm, systolic
# 70 mmHg, mean 50 mmHg (below it organ perfusion fails), diastolic 30 mmHg, temperature
# 34 C. The ceilings: HR 180 bpm (above it a broad-complex tachycardia; the fixed HR extreme
# high alarm stays at 150 whatever the limits), RR 40/min, systolic 220, diastolic 130, mean
# 150 mmHg (hypertensive emergency), temperature 39.5 C (NEWS2 scores from 39.1).
# Delays: a few seconds for HR (the fastest killers), 30 s for the others whose HIGH alarms
# matter (monitors' longest SpO2 averaging-plus-delay), 60 s for the LOW temperature alarm,
# which changes over minutes. ISO 80601-2-61 asks that SpO2 delays be disclosed, not long.
HARD_BOUNDS: dict[str, AlarmBounds] = {
    "heart_rate": AlarmBounds(low=30.0, high=180.0, delay_s=15.0),
    "spo2": AlarmBounds(low=85.0, high=100.0, delay_s=30.0),
    "resp_rate": AlarmBounds(low=5.0, high=40.0, delay_s=30.0),
    "nibp_sys": AlarmBounds(low=70.0, high=220.0, delay_s=30.0),
    "nibp_dia": AlarmBounds(low=30.0, high=130.0, delay_s=30.0),
    "nibp_mean": AlarmBounds(low=50.0, high=150.0, delay_s=30.0),
    "temperature": AlarmBounds(low=34.0, high=39.5, delay_s=60.0),
}

_WORDS = {"low": "lowest low limit", "high": "highest high limit", "delay_s": "longest delay"}


def tightened(hard: AlarmBounds, own: AlarmBounds, name: str) -> AlarmBounds:
    """`hard` narrowed by a station's `own` bounds for the vital `name`; ValueError naming the
    part when `own` would relax one (a floor lower, a ceiling or a delay higher)."""
    parts = {}
    for part in ("low", "high", "delay_s"):
        bound, wanted = getattr(hard, part), getattr(own, part)
        if wanted is None:
            parts[part] = bound
            continue
        tighter = bound is None or (wanted >= bound if part == "low" else wanted <= bound)
        if not tighter:
            raise ValueError(f"{name}.{part} = {wanted:g} would relax the hard bound "
                             f"({_WORDS[part]} {bound:g}); a station may only tighten it")
        parts[part] = wanted
    return AlarmBounds(**parts)
