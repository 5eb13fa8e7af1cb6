"""A value axis whose tick labels never overlap, however short its plot is made."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

LABEL_GAP = 2  # px at least between two tick labels, one above the other


class ValueAxis(pg.AxisItem):
    """A left (or right) axis that spaces its labelled ticks by the height of their text.

    pyqtgraph always labels at least three major ticks, so a plot drawn a few lines high (a
    small window) stacks its labels on top of each other; here the major step grows instead.
    """

    def tickSpacing(self, minVal: float, maxVal: float, size: float):  # noqa: N802, N803
        levels = super().tickSpacing(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or not span or size <= 0:
            return levels
        line = QFontMetrics(self.style["tickFont"] or self.font()).height() + LABEL_GAP
        major = max(levels[0][0], nice_step(span * line / size))
        low, high = sorted((minVal, maxVal))
        if math.floor(high / major) < math.ceil(low / major):  # no room for two labels
            return [(2 * span, round_middle(low, high))]  # one label, a round value mid-way
        finer = [(step, offset) for step, offset in levels[1:]
                 if step < major and _divides(step, major)]
        return [(major, 0), *finer]


def nice_step(at_least: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is at least `at_least` (> 0)."""
    power = 10.0 ** math.floor(math.log10(at_least))
    return next(power * m for m in (1, 2, 5, 10) if power * m >= at_least * (1 - 1e-9))


def round_middle(low: float, high: float) -> float:
    """A round value near the middle of low..high (e.g. 200 in 34..340)."""
    unit = nice_step((high - low) / 4)
    return round((low + high) / 2 / unit) * unit


def _divides(step: float, major: float) -> bool:
    ratio = major / step
    return abs(ratio - round(ratio)) < 1e-6
