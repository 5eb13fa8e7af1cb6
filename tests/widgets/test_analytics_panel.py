"""The analytics panel: per-region charts that show the numbers they were given."""

from __future__ import annotations

import numpy as np
import pytest

from stores.model import WardHour, WardOccupancy
from tests.app.window_geometry import cut_off
from widgets.analytics_charts import (
    PLOT_MIN_HEIGHT,
    TIME_AXIS_HEIGHT,
    hour_ticks,
    hours_per_label,
    merge_wards,
)
from widgets.analytics_panel import AnalyticsPanel

T0 = 1_779_400_800.0  # the start of an hour


def rollup(region, ward, hours_ago, alarms, hr=None, spo2=None, count=60):
    return WardHour(
        region,
        ward,
        T0 - hours_ago * 3600,
        alarms=alarms,
        heart_rate_sum=(hr or 0) * count,
        heart_rate_count=count if hr else 0,
        spo2_sum=(spo2 or 0) * count,
        spo2_count=count if spo2 else 0,
    )


HOURS = {
    "north": [
        rollup("north", "north-1", 1, 3, hr=80, spo2=96),
        rollup("north", "north-2", 1, 4, hr=90, spo2=94),
        rollup("north", "north-1", 0, 2, hr=70, spo2=98),
    ],
    "central": [rollup("central", "central-1", 0, 11, hr=100, spo2=92)],
    "south": [],
}
OCCUPANCY = [
    WardOccupancy("north", "north-2", 15, 16, T0),
    WardOccupancy("north", "north-1", 14, 16, T0),
    WardOccupancy("central", "central-1", 9, 16, T0),
]


@pytest.fixture
def panel(qtbot):
    panel = AnalyticsPanel()
    qtbot.addWidget(panel)
    panel.resize(620, 420)
    return panel


def test_regions_appear_in_the_order_given(panel):
    panel.show_hours(HOURS)
    assert panel.regions() == ["north", "central", "south"]


def test_wards_of_a_region_are_added_up_per_hour(panel):
    panel.show_hours(HOURS)
    north = panel.region("north")
    assert list(north.alarm_bars.opts["height"]) == [7, 2]
    assert list(panel.region("central").alarm_bars.opts["height"]) == [11]
    assert "11 alarms in 24 h" in panel.region("central").title.text
    assert "9 alarms in 24 h" in north.title.text


def test_mean_heart_rate_and_spo2_are_weighted_over_the_wards(panel):
    panel.show_hours(HOURS)
    north = panel.region("north")
    _, heart_rate = north.heart_rate_curve.getData()
    _, spo2 = north.spo2_curve.getData()
    # The last two hours of the day's grid; earlier hours have no data and are gaps (NaN).
    assert list(heart_rate[-2:]) == [85.0, 70.0]
    assert list(spo2[-2:]) == [95.0, 98.0]
    assert np.isnan(heart_rate[:-2]).all()


def test_the_charts_are_updated_not_rebuilt(panel):
    panel.show_hours(HOURS)
    bars = panel.region("north").alarm_bars
    panel.show_hours({"north": [rollup("north", "north-1", 0, 5, hr=60)]})
    assert panel.region("north").alarm_bars is bars
    assert list(bars.opts["height"]) == [5]


def test_occupancy_reads_ward_beds_and_percentage(panel):
    panel.show_hours(HOURS)
    panel.show_occupancy(OCCUPANCY)
    assert panel.region("north").occupancy_texts() == ["north-1  14/16  88%", "north-2  15/16  94%"]
    assert panel.region("central").occupancy_texts() == ["central-1  9/16  56%"]
    assert panel.region("south").occupancy_texts() == []
    assert list(panel.region("north").ward_bars.opts["width"]) == [14 / 16, 15 / 16]


def test_no_data_shows_a_message_instead_of_empty_charts(panel):
    panel.show_hours({"north": [], "south": []})
    assert panel.message.isVisibleTo(panel)
    panel.show_hours(HOURS)
    assert not panel.message.isVisibleTo(panel)
    panel.show_message("Analytics store unavailable")
    assert panel.message.text() == "Analytics store unavailable"


def test_merge_wards_orders_hours_and_keeps_sums():
    merged = merge_wards(HOURS["north"])
    assert [h.hour for h in merged] == [T0 - 3600, T0]
    assert (merged[0].alarms, merged[0].heart_rate_count) == (7, 120)


def test_the_time_axis_has_a_label_every_six_hours():
    ticks = hour_ticks(T0 - 23 * 3600, T0 + 3600)
    assert len(ticks) in (3, 4)
    assert all(label.endswith(":00") and int(label[:2]) % 6 == 0 for _, label in ticks)


def test_overview_plots_offer_no_context_menu_nor_pan(panel):
    panel.show_hours(HOURS)
    north = panel.region("north")
    for plot in (north.alarm_plot, north.heart_rate_plot, north.spo2_plot, north.occupancy_plot):
        assert not plot.menuEnabled() and not plot.vb.menuEnabled()
        assert plot.vb.menu is None  # never built: it would only slow the panel's first draw
        assert plot.vb.mouseEnabled() == [False, False]


@pytest.mark.parametrize(("width", "every"), [(40, 24), (115, 12), (200, 6)])
def test_a_narrow_time_axis_labels_fewer_hours(width, every):
    """Four clock labels need about 140 px; a column of a 1366 px window has 115."""
    assert hours_per_label(width) == every


@pytest.mark.parametrize("width", [300, 470, 900])
def test_a_narrow_panel_scrolls_rather_than_cut_a_region_off(qtbot, panel, width):
    panel.resize(width, 260)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_hours(HOURS)
    panel.show_occupancy(OCCUPANCY + [WardOccupancy("central", "central-22", 15, 16, T0)])

    def whole():
        assert cut_off(panel) == []
        assert [text for text, bars in ward_texts(panel)
                if not bars.left() <= text.left() < text.right() <= bars.right()] == []

    qtbot.waitUntil(whole, timeout=1000)  # pyqtgraph lays its plots out a pass later


def ward_texts(panel):
    """Each ward's occupancy text beside the plot that clips it, as scene rectangles."""
    for name in panel.regions():
        region = panel.region(name)
        for text in region.ward_texts:
            if text.isVisible():
                yield text.sceneBoundingRect(), region.occupancy_plot.vb.sceneBoundingRect()


def test_a_short_panel_keeps_each_plot_readable_and_scrolls(qtbot, panel):
    """A 1366x768 window with the banner full leaves the panel about 190 px: each plot keeps
    its least height (its name over the top of its data) and the rest scrolls."""
    panel.resize(520, 150)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_hours(HOURS)
    panel.show_occupancy(OCCUPANCY)

    def readable():
        for name in panel.regions():
            region = panel.region(name)
            heights = [plot.geometry().height() for plot in
                       (region.alarm_plot, region.heart_rate_plot, region.spo2_plot)]
            assert min(heights[:2]) >= PLOT_MIN_HEIGHT, heights
            assert heights[2] >= PLOT_MIN_HEIGHT + TIME_AXIS_HEIGHT, heights
        assert panel.charts.height() > 150  # taller than the panel: it scrolls

    qtbot.waitUntil(readable, timeout=1000)  # pyqtgraph lays its plots out a pass later
