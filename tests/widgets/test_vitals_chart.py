"""The vitals chart: gaps for missing values, the time window, throttled redraws, value labels."""

from __future__ import annotations

import numpy as np
import pytest

from stores.model import Vital, VitalSample
from widgets.vitals_chart import REDRAW_MS, VitalsChart

T0 = 1_750_000_000.0


def sample(time: float, heart_rate: float | None = 72.0, **values) -> VitalSample:
    return VitalSample("north-1-07", time, heart_rate=heart_rate, spo2=97.0, **values)


@pytest.fixture
def now():
    return [T0]


@pytest.fixture
def chart(qtbot, now):
    chart = VitalsChart(window_s=60, clock=lambda: now[0])
    qtbot.addWidget(chart)
    chart.show_patient("Bed 7 \u00b7 Jane Doe, 67 y")
    return chart


def heart_rates(chart) -> np.ndarray:
    values = chart.curve(Vital.HEART_RATE).yData  # pyqtgraph keeps None for an empty curve
    return np.array([]) if values is None else values


def test_missing_values_become_nan_and_are_drawn_as_gaps(chart):
    chart.show_history([sample(T0 - 2), sample(T0 - 1, heart_rate=None), sample(T0)])
    chart.redraw()
    curve = chart.curve(Vital.HEART_RATE)
    assert curve.opts["connect"] == "finite"
    assert curve.xData.dtype == np.float64 and curve.yData.dtype == np.float64
    assert heart_rates(chart)[0] == 72.0 and np.isnan(heart_rates(chart)[1])


def test_live_curves_use_thin_pens_without_antialiasing(chart):
    for vital in Vital:
        curve = chart.curve(vital)
        assert curve.opts["pen"].width() == 1 and curve.opts["antialias"] is False


def test_history_keeps_only_the_window(chart):
    chart.show_history([sample(T0 - s) for s in range(0, 120, 10)])
    assert min(chart.sample_times()) >= T0 - 60
    assert len(chart.sample_times()) == 7


def test_added_samples_push_old_ones_out_of_the_window(chart, now):
    chart.show_history([sample(T0 - 50), sample(T0)])
    now[0] = T0 + 20
    chart.add_samples([sample(T0 + 20)])
    assert chart.sample_times() == [T0, T0 + 20]


def test_redraws_are_throttled_to_the_timer(qtbot, chart):
    chart.show_history([sample(T0 - 1), sample(T0)])
    chart.redraw()
    chart.add_samples([sample(T0 + 0.5, heart_rate=90.0)])
    assert heart_rates(chart)[-1] == 72.0  # not drawn per sample
    qtbot.waitUntil(lambda: heart_rates(chart)[-1] == 90.0, timeout=REDRAW_MS * 4)


def test_each_plot_shows_its_current_value_and_unit(chart):
    chart.show_history([sample(T0, heart_rate=64.0, nibp_sys=120.0, nibp_dia=80.0, nibp_mean=93.0)])
    chart.redraw()
    texts = {plot.name: plot.text() for plot in chart.plots}
    assert "<b>64</b> bpm" in texts["HR"]
    assert "<b>120/80 (93)</b> mmHg" in texts["NIBP"]
    assert "<b>--</b> \u00b0C" in texts["Temp"]


def test_an_old_newest_value_is_marked_as_no_data(chart, now):
    chart.show_history([sample(T0)])
    now[0] = T0 + 30
    chart.redraw()
    assert "NO DATA 30 s" in chart.plots[0].text()


def test_time_axis_follows_now(chart, now):
    chart.show_history([sample(T0)])
    now[0] = T0 + 5
    chart.redraw()
    left, right = chart.plots[-1].item.viewRange()[0]
    assert left == pytest.approx(T0 + 5 - 60) and right == pytest.approx(T0 + 5)


def test_clear_empties_the_plots_and_shows_the_message(chart):
    chart.show_history([sample(T0)])
    chart.clear("Select a bed")
    chart.redraw()
    assert chart.header() == "Select a bed"
    assert len(heart_rates(chart)) == 0 and chart.sample_times() == []
    assert "<b>--</b> bpm" in chart.plots[0].text()


def test_a_new_patient_never_shows_the_previous_patients_curves(chart):
    chart.show_history([sample(T0)])
    chart.show_patient("Bed 3 \u00b7 Li Wei, 70 y")
    chart.redraw()
    assert chart.header() == "Bed 3 \u00b7 Li Wei, 70 y"
    assert len(heart_rates(chart)) == 0
