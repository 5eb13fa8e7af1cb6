"""Drawing an ECG sweep with QPainter: numpy-filled polylines, 1 px pen, no antialiasing."""

from __future__ import annotations

import numpy as np
from pyqtgraph.functions import create_qpolygonf, ndarray_from_qpolygonf
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPen, QScreen

from widgets.ecg_sweep import SWEEP_MM_S, Run

FALLBACK_DPI = 96.0  # offscreen, or a screen that reports no plausible size
MM_PER_INCH = 25.4
GAIN_MM_PER_MV = 10.0  # the standard ECG gain, lowered where a strip is too short for it
SPAN_MV = 2.2  # what a strip must hold: a 1.5 mV R wave over a -0.7 mV S wave
BASELINE = 0.68  # the isoelectric line, this far down the strip: R waves go up


def px_per_mm(screen: QScreen | None) -> float:
    """Logical pixels per millimetre of `screen`, from its physical size."""
    dpi = FALLBACK_DPI
    if screen is not None and QGuiApplication.platformName() not in ("offscreen", "minimal"):
        physical = screen.physicalDotsPerInch() / max(screen.devicePixelRatio(), 1.0)
        if 50.0 <= physical <= 400.0:  # a screen that reports 0 mm or nonsense falls back
            dpi = physical
    return dpi / MM_PER_INCH


def px_per_s(pixels_per_mm: float) -> float:
    return SWEEP_MM_S * pixels_per_mm


def gain(strip: QRectF, pixels_per_mm: float) -> float:
    """Pixels per mV: the standard 10 mm/mV where it fits, less in a short strip."""
    return min(GAIN_MM_PER_MV * pixels_per_mm, strip.height() / SPAN_MV)


def trace_pen(colour: QColor) -> QPen:
    pen = QPen(colour, 1.0)
    pen.setCosmetic(True)
    return pen


def paint_runs(painter: QPainter, strip: QRectF, runs: list[Run], px_per_mv: float,
               pen: QPen) -> None:
    """Draw each run as one polyline (a lone sample as a point), 1 px, no antialiasing: the
    caller clips. The polygon is filled through a numpy view of its own memory: no QPointF
    per sample."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(pen)
    baseline, top, bottom = strip.top() + strip.height() * BASELINE, strip.top(), strip.bottom() - 1
    for xs, mv in runs:
        if len(xs) == 1:
            y = min(max(baseline - mv[0] * px_per_mv, top), bottom)
            painter.drawPoint(QPointF(strip.left() + xs[0], y))
            continue
        polygon = create_qpolygonf(len(xs))
        points = ndarray_from_qpolygonf(polygon)
        np.add(xs, strip.left(), out=points[:, 0])
        ys = points[:, 1]
        # two ufuncs: np.clip's Python wrapper cost as much as the drawing, on every tile and frame
        np.multiply(mv, -px_per_mv, out=ys)
        np.add(ys, baseline, out=ys)
        np.maximum(ys, top, out=ys)
        np.minimum(ys, bottom, out=ys)
        painter.drawPolyline(polygon)
