"""The vitals chart: gaps for missing values, the time window, throttled redraws, value labels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from stores.model import Vital, VitalSample, VitalTrend
from tests.widgets.qt_timers import pending_single_shots
from widgets.trend_chart import LIVE_AXIS_STEPS, TrendChart
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


def ys(item) -> np.ndarray:
    return np.array([]) if item.yData is None else item.yData  # None for an empty curve


def heart_rates(chart) -> np.ndarray:
    return ys(chart.curve(Vital.HEART_RATE))


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


def test_time_axis_follows_now_in_steps_of_a_twentieth_of_its_span(chart, now):
    step = 60 / LIVE_AXIS_STEPS
    chart.show_history([sample(T0)])
    moves = []
    chart.plots[-1].item.vb.sigXRangeChanged.connect(lambda *_: moves.append(now[0]))
    seen = []
    for second in range(1, 11):
        now[0] = T0 + second
        chart.redraw()
        left, right = chart.plots[-1].item.viewRange()[0]
        assert right - step < now[0] <= right  # now is always shown, in the last step
        assert right - left == pytest.approx(60)
        seen.append(right)
    # moved once a step (the first edge was set when the history was shown), not every second
    assert len(moves) == len(set(seen)) - 1 <= 10 / step


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


# --- past ranges: downsampled trends ------------------------------------------------------------


def trend(start: float, end: float, lows, highs, means, clipped_from=None) -> VitalTrend:
    """A trend whose every vital has these buckets (None: no valid sample in the bucket)."""
    return VitalTrend("north-1-07", start, end, (end - start) / len(means),
                      {v: tuple(lows) for v in Vital}, {v: tuple(highs) for v in Vital},
                      {v: tuple(means) for v in Vital}, clipped_from)


@pytest.fixture
def shown(qtbot, chart):
    chart.resize(800, 650)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def choose(qtbot, chart, label: str) -> tuple[float, float, int]:
    with qtbot.waitSignal(chart.trend_requested, timeout=1000) as asked:
        chart.ranges.choose(label)
    return tuple(asked.args)


def test_a_range_asks_for_one_bucket_per_pixel_of_the_plot(qtbot, shown):
    start, end, buckets = choose(qtbot, shown, "24 h")
    assert (start, end) == (T0 - 86400, T0)
    assert buckets == int(shown.plots[0].item.vb.width()) > 400
    _, _, week_buckets = choose(qtbot, shown, "7 days")
    assert week_buckets == buckets  # a week moves no more points than a day


def test_min_and_max_are_drawn_as_a_band_under_the_mean(qtbot, shown):
    start, end, _ = choose(qtbot, shown, "24 h")
    shown.show_trend(trend(start, end, [60, 70, 65], [80, 185, 90], [70, 75, 72]))
    band = shown.band(Vital.HEART_RATE)
    lows, highs = band.yData[0::2], band.yData[1::2]
    assert list(highs) == [80, 185, 90]  # the 185 peak survives although the mean is 75
    assert list(lows) == [60, 70, 65]
    assert list(band.xData[0::2]) == list(band.xData[1::2])  # a vertical bar per bucket
    assert list(shown.curve(Vital.HEART_RATE).yData) == [70, 75, 72]
    assert "<b>60\u2013185</b> bpm" in shown.plots[0].text()
    assert shown.notice() == ""


def test_a_bucket_without_valid_samples_is_a_gap_not_a_spike(qtbot, shown):
    start, end, _ = choose(qtbot, shown, "1 h")
    shown.show_trend(trend(start, end, [60, None, 62], [80, None, 82], [70, None, 72]))
    mean = shown.curve(Vital.HEART_RATE)
    assert mean.opts["connect"] == "finite" and np.isnan(mean.yData[1])
    band = shown.band(Vital.HEART_RATE)
    assert len(band.yData) == 4 and np.isfinite(band.yData).all()  # no bar for the empty bucket


def test_a_range_without_data_says_so(qtbot, shown):
    start, end, _ = choose(qtbot, shown, "8 h")
    shown.show_trend(trend(start, end, [None] * 3, [None] * 3, [None] * 3))
    assert shown.notice() == "no data for this range"
    assert "<b>--</b> bpm" in shown.plots[0].text()


def test_a_clipped_range_says_how_much_is_shown(qtbot, shown):
    choose(qtbot, shown, "7 days")
    clipped = trend(T0 - 31 * 86400, T0, [60], [80], [70], clipped_from=T0 - 60 * 86400)
    shown.show_trend(clipped)
    assert shown.notice() == "showing the last 31 days: the store keeps no more"


def test_zooming_reloads_the_visible_range_once_the_mouse_rests(qtbot, shown):
    start, end, buckets = choose(qtbot, shown, "7 days")
    shown.show_trend(trend(start, end, [60] * buckets, [80] * buckets, [70] * buckets))
    asked = []
    shown.trend_requested.connect(lambda *args: asked.append(args))
    for hours in (48, 24, 12):  # three wheel steps in a row: one reload, after the last
        shown.plots[0].item.setXRange(T0 - hours * 3600, T0, padding=0)
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=2000)
    assert pending_single_shots(shown) == []  # one reload, and no other to come
    [(zoom_start, zoom_end, zoom_buckets)] = asked
    assert zoom_start == pytest.approx(T0 - 12 * 3600) and zoom_end == pytest.approx(T0)
    assert zoom_buckets == buckets


def test_panning_past_the_loaded_range_reloads_and_within_it_does_not(qtbot, shown):
    start, end, _ = choose(qtbot, shown, "24 h")
    shown.plots[0].item.setXRange(start - 3600, end - 3600, padding=0)  # an hour back: new data
    with qtbot.waitSignal(shown.trend_requested, timeout=2000) as panned:
        pass
    assert panned.args[0] == pytest.approx(start - 3600)
    with qtbot.assertNotEmitted(shown.trend_requested, wait=400):
        shown.plots[0].item.setXRange(start - 1800, end - 7200, padding=0)  # inside: nothing


def test_live_ignores_a_trend_that_arrives_after_going_back_to_it(qtbot, shown, now):
    start, end, _ = choose(qtbot, shown, "24 h")
    shown.ranges.choose("Live 10 min")
    shown.show_history([sample(T0)])
    shown.show_trend(trend(start, end, [60], [80], [70]))
    shown.redraw()
    assert list(heart_rates(shown)) == [72.0]
    assert shown.notice() == "" and len(ys(shown.band(Vital.HEART_RATE))) == 0


def test_a_new_patient_opens_on_live(qtbot, shown):
    choose(qtbot, shown, "72 h")
    shown.show_patient("Bed 3 \u00b7 Li Wei, 70 y")
    assert shown.ranges.chosen() == "Live 10 min"
    assert not shown.plots[0].item.vb.state["mouseEnabled"][0]  # no stray drag loses "now"


def test_an_impossible_value_is_a_gap_that_does_not_stretch_the_plot(chart):
    chart.show_history([sample(T0 - 2), sample(T0 - 1, heart_rate=900.0), sample(T0)])
    chart.redraw()
    assert np.isnan(heart_rates(chart)[1]) and heart_rates(chart)[2] == 72.0
    assert chart.plots[0].item.vb.viewRange()[1][1] < 300


def test_the_selected_bed_says_simulated_while_its_data_is(chart, now):
    chart.show_history([sample(T0 - 1)])
    assert not chart.is_simulated()
    chart.add_samples([sample(T0, simulated=True)])
    assert chart.is_simulated()
    chart.show_patient("Bed 8 \u00b7 Kofi Boateng")
    assert not chart.is_simulated()  # until the new patient's samples say


def highest(time: float) -> VitalSample:
    """Every vital at the top of its usual range, where the trace runs nearest the label."""
    return VitalSample("north-1-07", time, heart_rate=160.0, spo2=100.0, resp_rate=35.0,
                       nibp_sys=180.0, nibp_dia=120.0, nibp_mean=140.0, temperature=39.0)


# the trend chart's height in the station window at 1366x768, 1600x950 and 3840x2160
@pytest.mark.parametrize("height", [241, 319, 837], ids=["1366x768", "1600x950", "3840x2160"])
def test_a_value_label_never_sits_on_its_trace(qtbot, now, height):
    """The label sits at the top of its plot; the y range leaves it room in pixels, so that the
    trace passes under it in a short plot (a small window) as in a tall one."""
    trends = TrendChart(window_s=60, clock=lambda: now[0])
    qtbot.addWidget(trends)
    trends.resize(700, height)
    trends.show()
    qtbot.waitExposed(trends)
    trends.follow(True)
    trends.add_samples([highest(T0 - back) for back in range(30)])
    trends.redraw()
    # the axes take their room for the new ticks in the next layout pass, and the plots follow
    def clear_of_labels():
        assert traces_under_labels(trends) == []

    qtbot.waitUntil(clear_of_labels, timeout=1000)


def traces_under_labels(trends: TrendChart) -> list[str]:
    """The plots whose trace reaches up into their value label's text."""
    covered = []
    for plot in trends.plots:
        margin = plot.label.item.document().documentMargin()
        text = plot.label.item.sceneBoundingRect().adjusted(0, margin, 0, -margin)
        view = plot.item.vb
        for curve in plot.curves.values():
            top = min(view.mapViewToScene(QPointF(x, y)).y() for x, y in zip(*curve.getData()))
            if top <= text.bottom():
                covered.append(f"{plot.name}: trace at {top:.1f} px, label down to "
                               f"{text.bottom():.1f} px")
    return covered
