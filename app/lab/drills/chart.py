"""The drill report's timeline: the seconds of the run along the bottom, each thing the drill did
or saw as a numbered mark, the running counters as curves over it (a gap between "sent" and
"shown" while the bus was away, closing once it was back), and the marks listed underneath
with their times."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen

from app.lab.drills.events import DrillEvent
from widgets import palette
from widgets.cluster_view.drill import LOSS_WORDS, NOTHING_LOST, figure_label
from widgets.cluster_view.drill_panel import DRILL
from widgets.cluster_view.ink import Ink

# the curves' colours on a dark page and on a light one (red is for losses)
CURVES = ("#4da3ff", palette.UP, "#19c3e6", "#f07ad8", "#f2e14c", "#ffffff")
CURVES_ON_LIGHT = ("#1f6fd1", "#1e9e4a", "#0e8fa8", "#c0399f", "#a07d00", "#14181c")
MOST_CURVES = 6
MARKED = ("start", "step", "end")


def paint_timeline(ink: Ink, box: QRectF, events: Sequence[DrillEvent]) -> None:
    u = ink.unit
    ink.text(QRectF(box.left(), box.top(), box.width(), 1.6 * u), "Timeline", 1.1,
             ink.scheme.text, bold=True)
    marks = [event for event in events if event.kind in MARKED]
    if not marks:
        ink.paragraph(box.adjusted(0, 2 * u, 0, 0), "no events were recorded for this run: "
                      "the figures on the right are the drill's own", 1.0, ink.scheme.dim)
        return
    start = events[0].at
    span = max(1.0, events[-1].at - start)
    plot = QRectF(box.left() + 4.5 * u, box.top() + 4.2 * u, box.width() - 5 * u,
                  0.55 * box.height())
    curves = _curves(events)
    top = max([1.0] + [value for points in curves.values() for _, value in points])
    _axes(ink, plot, span, top)
    for index, (key, points) in enumerate(curves.items()):
        _curve(ink, plot, start, span, top, points, _colour(ink, key, index))
    _marks(ink, plot, start, span, marks)
    legend = QRectF(plot.left(), plot.bottom() + 1.8 * u, plot.width(), 1.4 * u)
    below = legend.top() + _legend(ink, legend, list(curves))
    listed = QRectF(box.left(), below + 0.8 * u, box.width(), box.bottom() - below - 0.8 * u)
    _listing(ink, listed, start, marks)


def _curves(events: Sequence[DrillEvent]) -> dict[str, list[tuple[float, float]]]:
    """The counters' figures over time (counts, not times in seconds), the first few keys."""
    curves: dict[str, list[tuple[float, float]]] = {}
    for event in events:
        if event.kind not in ("counters", "end"):
            continue
        for key, value in event.figures.items():
            if isinstance(value, str) or value is None or key.endswith("_s"):
                continue
            if key in curves or len(curves) < MOST_CURVES:
                curves.setdefault(key, []).append((event.at, float(value)))
    return curves


def _colour(ink: Ink, key: str, index: int) -> str:
    if LOSS_WORDS & set(key.split("_")):
        return palette.DOWN
    colours = CURVES_ON_LIGHT if QColor(ink.scheme.background).lightness() > 128 else CURVES
    return colours[index % len(colours)]


def _axes(ink: Ink, plot: QRectF, span: float, top: float) -> None:
    u, painter = ink.unit, ink.painter
    painter.setPen(QPen(QColor(ink.scheme.border), 1))
    step = _nice(top / 4)
    value = 0.0
    while value <= top * 1.0001:
        y = plot.bottom() - value / top * plot.height()
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        ink.text(QRectF(plot.left() - 4.3 * u, y - 0.7 * u, 3.9 * u, 1.4 * u), f"{value:g}",
                 0.7, ink.scheme.dim, Qt.AlignmentFlag.AlignRight)
        value += step
    step = _nice(span / 8)
    second = 0.0
    while second <= span + 1e-6:
        x = plot.left() + second / span * plot.width()
        painter.setPen(QPen(QColor(ink.scheme.border), 1))
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 0.4 * u))
        ink.text(QRectF(x - 3 * u, plot.bottom() + 0.4 * u, 6 * u, 1.2 * u), f"{second:g} s",
                 0.7, ink.scheme.dim, Qt.AlignmentFlag.AlignHCenter)
        second += step


def _nice(rough: float) -> float:
    """1, 2 or 5 times a power of ten, at least `rough`."""
    power = 10 ** math.floor(math.log10(max(rough, 1e-9)))
    return next(n * power for n in (1, 2, 5, 10) if n * power >= rough)


def _curve(ink: Ink, plot: QRectF, start: float, span: float, top: float,
           points: list[tuple[float, float]], colour: str) -> None:
    path = QPainterPath()
    for index, (at, value) in enumerate(points):
        point = QPointF(plot.left() + (at - start) / span * plot.width(),
                        plot.bottom() - value / top * plot.height())
        if index == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    ink.painter.setPen(QPen(QColor(colour), max(2.0, ink.unit * 0.18)))
    ink.painter.setBrush(Qt.BrushStyle.NoBrush)
    ink.painter.drawPath(path)


def _marks(ink: Ink, plot: QRectF, start: float, span: float,
           marks: Sequence[DrillEvent]) -> None:
    """A dashed line at each mark's second, its number above the plot (a second row where two
    would touch)."""
    u, painter = ink.unit, ink.painter
    last_x, row = -1e9, 0
    for number, event in enumerate(marks, start=1):
        x = plot.left() + (event.at - start) / span * plot.width()
        colour = _mark_colour(event)
        pen = QPen(QColor(colour), max(1.5, 0.1 * u), Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        row = row + 1 if x - last_x < 1.6 * u and row < 2 else 0
        last_x = x
        _badge(ink, QPointF(x, plot.top() - (1.0 + 1.5 * row) * u), number, colour)


def _mark_colour(event: DrillEvent) -> str:
    if event.kind != "end":
        return DRILL
    return palette.UP if event.verdict.startswith(NOTHING_LOST) else palette.DOWN


def _badge(ink: Ink, centre: QPointF, number: int, colour: str) -> None:
    r = 0.7 * ink.unit
    ink.painter.setPen(Qt.PenStyle.NoPen)
    ink.painter.setBrush(QColor(colour))
    ink.painter.drawEllipse(centre, r, r)
    ink.text(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), str(number), 0.75,
             "#ffffff" if colour == palette.DOWN else "#101418", Qt.AlignmentFlag.AlignHCenter,
             bold=True)


def _legend(ink: Ink, box: QRectF, keys: list[str]) -> float:
    """Each curve's colour and name, in rows as wide as `box` (a curve is never left without
    its name); the height taken."""
    u, row_height = ink.unit, box.height()
    left, top = box.left(), box.top()
    for index, key in enumerate(keys):
        label = figure_label(key)
        width = 2 * u + ink.width(label, 0.8)
        if left > box.left() and left + width > box.right():  # the next row
            left, top = box.left(), top + row_height
        ink.painter.setPen(QPen(QColor(_colour(ink, key, index)), 0.3 * u))
        middle = top + row_height / 2
        ink.painter.drawLine(QPointF(left, middle), QPointF(left + 1.5 * u, middle))
        taken = ink.text(QRectF(left + 2 * u, top, box.right() - left - 2 * u, row_height),
                         label, 0.8, ink.scheme.text)
        left += 2 * u + taken + 1.5 * u
    return top + row_height - box.top()


def _listing(ink: Ink, box: QRectF, start: float, marks: Sequence[DrillEvent]) -> None:
    """Each mark: its number, its second in the run, its time of day and what happened."""
    u = ink.unit
    step = 1.45 * u
    room = max(1, int(box.height() // step))
    shown = marks if len(marks) <= room else [*marks[:room - 1]]
    for index, event in enumerate(shown):
        line = QRectF(box.left(), box.top() + index * step, box.width(), step)
        colour = _mark_colour(event)
        _badge(ink, QPointF(line.left() + 0.8 * u, line.center().y()), index + 1, colour)
        when = time.strftime("%H:%M:%S", time.localtime(event.at))
        ink.text(line.adjusted(2.2 * u, 0, 0, 0), f"+{event.at - start:.1f} s", 0.85,
                 ink.scheme.text, bold=True)
        ink.text(line.adjusted(7 * u, 0, 0, 0), when, 0.85, ink.scheme.dim)
        text = {"start": f"started: {event.text}", "end": f"ended: {event.verdict}"}.get(
            event.kind, event.text)
        tone = colour if event.kind == "end" else ink.scheme.text
        ink.text(line.adjusted(13 * u, 0, 0, 0), text, 0.85, tone)
    if len(shown) < len(marks):
        line = QRectF(box.left(), box.top() + len(shown) * step, box.width(), step)
        ink.text(line.adjusted(2.2 * u, 0, 0, 0), f"and {len(marks) - len(shown)} more "
                 "(the events file has them all)", 0.8, ink.scheme.dim)
