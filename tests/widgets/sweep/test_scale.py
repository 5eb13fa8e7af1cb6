"""Pixels per millimetre: the station's calibration, else a plausible physical DPI, else the
logical DPI; the same for the tiles and the selected bed's strips."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from widgets.bed_grid import BedGrid
from widgets.sweep.scale import px_per_mm, screen_px_per_mm
from widgets.waveform_view import WaveformView


def test_a_plausible_physical_dpi_is_the_scale():
    assert px_per_mm(physical_dpi=109.0, logical_dpi=96.0) == pytest.approx(109.0 / 25.4)
    assert px_per_mm(physical_dpi=45.0, logical_dpi=96.0) == pytest.approx(45.0 / 25.4)  # a TV


@pytest.mark.parametrize("reported", [None, 0.0, 12.0, 2400.0])
def test_a_screen_that_reports_no_plausible_size_falls_back_to_its_logical_dpi(reported):
    assert px_per_mm(physical_dpi=reported, logical_dpi=120.0) == pytest.approx(120.0 / 25.4)


def test_the_stations_calibration_wins_over_the_screen():
    assert px_per_mm(physical_dpi=109.0, logical_dpi=96.0, calibrated=1.6) == 1.6


def test_a_platform_without_a_screen_uses_the_logical_dpi(qapp):
    screen = QGuiApplication.primaryScreen()
    assert QGuiApplication.platformName() == "offscreen"  # its physical size is made up
    assert screen_px_per_mm(screen) == pytest.approx(screen.logicalDotsPerInch() / 25.4)
    assert screen_px_per_mm(None) == pytest.approx(96.0 / 25.4)
    assert screen_px_per_mm(screen, calibrated=2.0) == 2.0


@pytest.mark.parametrize("calibrated", [None, 5.5])
def test_the_tiles_and_the_selected_beds_strips_take_the_same_scale(qtbot, calibrated):
    grid, view = BedGrid(pixels_per_mm=calibrated), WaveformView(pixels_per_mm=calibrated)
    for widget in (grid, view):
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
    expected = calibrated or screen_px_per_mm(grid.screen())
    assert grid.pixels_per_mm() == view.pixels_per_mm() == pytest.approx(expected)
