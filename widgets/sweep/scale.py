"""How many pixels make a millimetre on the screen a strip is on: the one scale every sweep
runs at, so that 25 mm/s is the same speed in the tiles and in the selected bed's strips."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QScreen

from widgets.sweep.model import SWEEP_MM_S

MM_PER_INCH = 25.4
LOGICAL_DPI = 96.0  # where there is no screen at all
# Physical DPI (Qt gives it in logical pixels) a real screen can have: from a 55" full-HD TV
# (40) to a phone-like panel; outside it, the screen reports no size or a made-up one (0 mm,
# an aspect ratio given as centimetres), and the logical DPI is the better guess.
PLAUSIBLE_DPI = (40.0, 600.0)
# platforms without a real screen: their physical size is invented
_NO_SCREEN_PLATFORMS = ("offscreen", "minimal")


def px_per_mm(physical_dpi: float | None, logical_dpi: float,
              calibrated: float | None = None) -> float:
    """Logical pixels per millimetre: the station's calibration if it has one, else the
    screen's physical DPI where it is plausible, else its logical DPI."""
    if calibrated is not None:
        return calibrated
    low, high = PLAUSIBLE_DPI
    if physical_dpi is not None and low <= physical_dpi <= high:
        return physical_dpi / MM_PER_INCH
    return logical_dpi / MM_PER_INCH


def screen_px_per_mm(screen: QScreen | None, calibrated: float | None = None) -> float:
    """`px_per_mm` of `screen` (None: no screen known yet)."""
    if screen is None:
        return px_per_mm(None, LOGICAL_DPI, calibrated)
    # physicalDotsPerInch is in device-independent dots already: the painter's pixels
    physical = screen.physicalDotsPerInch()
    if QGuiApplication.platformName() in _NO_SCREEN_PLATFORMS:
        physical = None
    return px_per_mm(physical, screen.logicalDotsPerInch(), calibrated)


def px_per_s(pixels_per_mm: float) -> float:
    """The sweep's speed in pixels per second."""
    return SWEEP_MM_S * pixels_per_mm
