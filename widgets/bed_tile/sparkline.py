"""The short heart-rate trend line of a bed tile, drawn straight with QPainter."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

TREND_SECONDS = 120.0
_MIN_SPAN = 20.0  # bpm; keeps a steady rate from looking like wild swings
_MAX_STEP = 5.0  # s; samples come at 1 Hz, a longer silence is drawn as a gap


def paint_sparkline(
    painter: QPainter, rect: QRectF, trend: tuple[tuple[float, float | None], ...], colour: QColor
) -> None:
    """Draw (time, value) points ending at the newest one; a missing value breaks the line."""
    values = [v for _, v in trend if v is not None]
    if not values:
        return
    low, high = _value_range(values)
    end = trend[-1][0]
    to_point = lambda t, v: QPointF(  # noqa: E731
        rect.left() + rect.width() * (1 - (end - t) / TREND_SECONDS),
        rect.bottom() - rect.height() * (v - low) / (high - low),
    )
    painter.setPen(QPen(colour, 1.5))
    for run in _runs(trend):
        _draw_run(painter, [to_point(t, v) for t, v in run])


def _value_range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    middle = (low + high) / 2
    half = max(high - low, _MIN_SPAN) / 2 * 1.1
    return middle - half, middle + half


def _runs(trend) -> list[list[tuple[float, float]]]:
    """Split the trend into runs of measured values, so a gap is drawn as a gap."""
    runs: list[list[tuple[float, float]]] = [[]]
    for time, value in trend:
        if value is None or (runs[-1] and time - runs[-1][-1][0] > _MAX_STEP):
            runs.append([])
        if value is not None:
            runs[-1].append((time, value))
    return [run for run in runs if run]


def _draw_run(painter: QPainter, points: list[QPointF]) -> None:
    if len(points) == 1:
        painter.drawPoint(points[0])
    else:
        painter.drawPolyline(QPolygonF(points))
