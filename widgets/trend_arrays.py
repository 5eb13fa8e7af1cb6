"""A downsampled trend as the arrays its plots draw: a min-max bar per bucket and the mean line."""

from __future__ import annotations

import numpy as np

from stores.model import Vital, VitalTrend


def as_array(values: tuple[float | None, ...]) -> np.ndarray:
    """float64 with NaN for None (no valid sample in the bucket: drawn as a gap, never a spike)."""
    return np.array(values, dtype=np.float64)


def bucket_times(trend: VitalTrend) -> np.ndarray:
    """The middle of every bucket."""
    return trend.start + (np.arange(trend.buckets, dtype=np.float64) + 0.5) * trend.bucket_s


def mean_line(trend: VitalTrend, vital: Vital) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the mean line; NaN where a bucket has no valid sample."""
    return bucket_times(trend), as_array(trend.mean.get(vital, ()))


def min_max_bars(trend: VitalTrend, vital: Vital) -> tuple[np.ndarray, np.ndarray]:
    """A vertical bar from the lowest to the highest value of every bucket that has one, as
    point pairs (x, low), (x, high) for `connect="pairs"`: at one bucket a pixel they paint a
    filled band whose top is the highest value, so a short peak is never averaged away."""
    if trend.buckets == 0:
        return np.empty(0), np.empty(0)
    low, high = as_array(trend.lowest.get(vital, ())), as_array(trend.highest.get(vital, ()))
    valid = np.isfinite(low) & np.isfinite(high)
    x = np.repeat(bucket_times(trend)[valid], 2)
    y = np.column_stack((low[valid], high[valid])).ravel()
    return x, y


def trend_extremes(trend: VitalTrend, vitals: tuple[Vital, ...]) -> tuple[float, float] | None:
    """The lowest and highest valid value of these vitals in the trend, or None if it has none."""
    lows = [as_array(trend.lowest.get(v, ())) for v in vitals]
    highs = [as_array(trend.highest.get(v, ())) for v in vitals]
    low, high = np.concatenate(lows), np.concatenate(highs)
    if not np.isfinite(low).any():
        return None
    return float(np.nanmin(low)), float(np.nanmax(high))


def value_extremes(values: np.ndarray) -> tuple[float, float] | None:
    """The lowest and highest valid value of an array (NaN where invalid), or None if none is."""
    if not np.isfinite(values).any():
        return None
    return float(np.nanmin(values)), float(np.nanmax(values))
