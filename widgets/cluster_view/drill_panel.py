"""The drill's panel, painted: its name and state, what it did last, its counters in large
figures by group, and at the bottom the verdict, big (green "nothing lost", or red with exactly
what was lost), or that the drill stopped answering. Drawn in the Cluster tab and on the
drill's report alike."""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPen

from widgets import palette
from widgets.cluster_view.drill import NOTHING_LOST, CellGroup, DrillRun, cell_groups
from widgets.cluster_view.ink import Ink

DRILL = palette.SIMULATED  # the drill's colour: training, a colour no store state uses
TONES = {"good": palette.UP, "warn": palette.DEGRADED, "bad": palette.DOWN}
CELL_W, CELL_H, NOTE_H, GROUP_TITLE, LABEL = 6.4, 2.8, 1.2, 1.3, 0.72  # in units
MOST = 1.5  # the figures grow to this where the panel has room
HEADER = 4.4  # name, state, last step
VERDICT_MIN, VERDICT_SHARE = 7.0, 0.32  # the verdict's box: at least 7 units, about a third


def paint_drill(ink: Ink, box: QRectF, run: DrillRun, now: float) -> None:
    """Paint `run` into `box`."""
    u, painter = ink.unit, ink.painter
    painter.setPen(QPen(QColor(DRILL), 2))
    painter.setBrush(QColor(ink.scheme.background))
    painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), 6, 6)
    inner = _inner(box, u)
    status = run.status(now)
    _header(ink, inner, run, status, now)
    verdict = verdict_rect(box, u)
    figures = QRectF(inner.left(), inner.top() + HEADER * u, inner.width(),
                     verdict.top() - inner.top() - (HEADER + 0.5) * u)
    _figures(ink, figures, cell_groups(run.figures, final=status == "ended"))
    _verdict(ink, verdict, run, status, now)


def verdict_rect(box: QRectF, unit: float) -> QRectF:
    """Where the verdict goes in a panel painted into `box`: along its bottom."""
    inner = _inner(box, unit)
    verdict = QRectF(inner.left(), 0, inner.width(),
                     max(VERDICT_MIN * unit, VERDICT_SHARE * inner.height()))
    verdict.moveBottom(inner.bottom())
    return verdict


def _inner(box: QRectF, u: float) -> QRectF:
    return box.adjusted(0.8 * u, 0.5 * u, -0.8 * u, -0.8 * u)


def _header(ink: Ink, inner: QRectF, run: DrillRun, status: str, now: float) -> None:
    u, scheme = ink.unit, ink.scheme
    line = QRectF(inner.left(), inner.top(), inner.width(), 1.6 * u)
    ink.text(line, f"DRILL \u00b7 {run.drill}", 1.25, DRILL, bold=True)
    line = QRectF(inner.left(), line.bottom(), inner.width(), 1.3 * u)
    since = _clock(run.started)
    if status == "ended":
        took = (run.ended or run.last) - run.started  # 0: only its end is known
        said, tone = (f"ended {_clock(run.ended or run.last)}"
                      + (f" \u00b7 {took:.0f} s" if took > 0 else "")), scheme.dim
    elif status == "running":
        said, tone = f"running since {since} \u00b7 {max(0.0, now - run.started):.0f} s", \
            scheme.text
    else:
        said, tone = f"no word from it since {_clock(run.last)}", palette.DEGRADED
    ink.text(line, said, 0.9, tone, bold=status != "ended")
    line = QRectF(inner.left(), line.bottom(), inner.width(), 1.3 * u)
    ink.text(line, run.step or run.said, 0.8, scheme.dim)


def _figures(ink: Ink, box: QRectF, groups: list[CellGroup]) -> None:
    """The groups' cells in rows, larger where there is room, smaller (to half) where there is
    not; what still does not fit is left out (the report has all of it)."""
    u = ink.unit
    if not groups:
        ink.text(QRectF(box.left(), box.top(), box.width(), 1.4 * u),
                 "no counters yet", 0.85, ink.scheme.dim)
        return
    scale = MOST
    while scale > 0.5 and sum(_group_height(ink, box.width(), group, scale)
                              for group in groups) > box.height():
        scale = max(0.5, scale * 0.92)
    top = box.top()
    for group in groups:
        height = _group_height(ink, box.width(), group, scale)
        if top + height > box.bottom() + 0.5:
            break
        _group(ink, QRectF(box.left(), top, box.width(), height), group, scale)
        top += height


def _columns(ink: Ink, width: float, group: CellGroup, scale: float) -> int:
    """As many cells a row as the widest label lets."""
    metrics = QFontMetricsF(ink.font(LABEL * scale))
    widest = max(metrics.horizontalAdvance(cell.label) for cell in group.cells)
    cell = max(CELL_W * ink.unit * scale, widest + 0.6 * ink.unit * scale)
    return max(1, int(width // cell))


def _group_height(ink: Ink, width: float, group: CellGroup, scale: float) -> float:
    if group.notes:
        rows, height = len(group.cells), NOTE_H
    else:
        rows, height = -(-len(group.cells) // _columns(ink, width, group, scale)), CELL_H
    return (GROUP_TITLE + rows * height) * ink.unit * scale


def _group(ink: Ink, box: QRectF, group: CellGroup, scale: float) -> None:
    u, scheme = ink.unit * scale, ink.scheme
    ink.text(QRectF(box.left(), box.top(), box.width(), GROUP_TITLE * u), group.title,
             0.85 * scale, scheme.dim, bold=True)
    if group.notes:
        for row, cell in enumerate(group.cells):
            line = QRectF(box.left(), box.top() + (GROUP_TITLE + row * NOTE_H) * u,
                          box.width(), NOTE_H * u)
            ink.text(line, f"{cell.label}: {cell.value}", 0.78 * scale, scheme.text)
        return
    columns = _columns(ink, box.width(), group, scale)
    width = box.width() / columns
    for index, cell in enumerate(group.cells):
        row, column = divmod(index, columns)
        left = box.left() + column * width
        top = box.top() + (GROUP_TITLE + row * CELL_H) * u
        value = QRectF(left, top, width - 0.4 * u, 1.75 * u)
        ink.text(value, cell.value, 1.55 * scale, TONES.get(cell.tone, scheme.text), bold=True)
        label = QRectF(left, value.bottom(), width - 0.4 * u, 0.95 * u)
        ink.text(label, cell.label, LABEL * scale, scheme.dim)


def _verdict(ink: Ink, box: QRectF, run: DrillRun, status: str, now: float) -> None:
    u, painter = ink.unit, ink.painter
    if status == "running":
        painter.setPen(QPen(QColor(ink.scheme.border), 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 6, 6)
        ink.paragraph(box.adjusted(u, u, -u, -u), "the verdict comes at the end of the drill",
                      1.0, ink.scheme.dim)
        return
    colour, ink_colour = {"stopped": (palette.DEGRADED, "#1a1204")}.get(
        status, (palette.UP, "#06170c") if run.nothing_lost else (palette.DOWN, "#ffffff"))
    painter.setPen(QPen(QColor(colour), 2))
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(box, 8, 8)
    inner = box.adjusted(0.8 * u, 0.6 * u, -0.8 * u, -0.6 * u)
    if status == "stopped":
        head, rest = "THE DRILL STOPPED ANSWERING", (
            f"no event for {now - run.last:.0f} s and no end: its process may have died; "
            "the figures above are its last")
    elif run.nothing_lost:
        head, rest = NOTHING_LOST.upper(), (run.verdict or "")[len(NOTHING_LOST):].strip(" ()")
    else:
        head, rest = "", run.verdict or ""
    if not head:  # a loss: all of it, as large as it fits
        ink.paragraph(inner, rest, 1.5, ink_colour, bold=True, smallest=0.55)
        return
    top = QRectF(inner.left(), inner.top(), inner.width(), inner.height() * (0.6 if rest else 1))
    ink.paragraph(top, head, 2.6, ink_colour, bold=True)
    if rest:
        ink.paragraph(QRectF(inner.left(), top.bottom(), inner.width(), inner.bottom()
                             - top.bottom()), rest, 0.85, ink_colour, smallest=0.5)


def _clock(at: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at))
