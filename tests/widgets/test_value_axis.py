"""The value axis: its tick labels stay apart however short its plot is made."""

from __future__ import annotations

import itertools

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter

from widgets.value_axis import ValueAxis, nice_step


def drawn_labels(qtbot, height: int, low: float, high: float) -> list:
    """The boxes of the tick labels a plot `height` px high draws over `low`..`high`."""
    chart = pg.GraphicsLayoutWidget()
    qtbot.addWidget(chart)
    plot = chart.addPlot(axisItems={"left": ValueAxis("left")})
    plot.hideAxis("bottom")  # as in the stacked plots: the height is all the axis's
    chart.resize(300, height)
    chart.show()
    qtbot.waitExposed(chart)
    plot.setYRange(low, high, padding=0)
    canvas = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(canvas)
    try:
        _, _, texts = plot.getAxis("left").generateDrawSpecs(painter)
    finally:
        painter.end()
    return [box for box, _flags, _text in texts]


# the trend plots are 34 px high at 1366x768, the analytics plots about 30 px
@pytest.mark.parametrize("height", [30, 40, 60])
@pytest.mark.parametrize(("low", "high"), [(34.0, 340.0), (84.0, 122.0), (34.8, 45.0)],
                         ids=["HR", "SpO2", "Temp"])
def test_tick_labels_never_overlap_in_a_short_plot(qtbot, height, low, high):
    boxes = drawn_labels(qtbot, height, low, high)
    assert boxes  # a short plot still says where it is
    assert [(a, b) for a, b in itertools.combinations(boxes, 2) if a.intersects(b)] == []


def test_a_tall_plot_keeps_its_usual_ticks(qtbot):
    assert len(drawn_labels(qtbot, 400, 40.0, 160.0)) >= 5


@pytest.mark.parametrize(("at_least", "step"), [(0.3, 0.5), (1.0, 1.0), (1.01, 2.0),
                                                (142.0, 200.0), (501.0, 1000.0)])
def test_a_step_is_one_two_or_five_times_a_power_of_ten(at_least, step):
    assert nice_step(at_least) == pytest.approx(step)
