"""The drill's report as a picture: from a run's events (the lab's events file) and its final
figures, one page with the timeline (each thing the drill did, at its second, over the counters'
curves), the figures and the verdict, as the Cluster tab's drill panel draws them. Written as
DIR/drill-NAME.png (dark, as on the screen and a projector) and DIR/drill-NAME.pdf (one A4 page,
light, for the class). Painted offscreen by Qt: no window, no display needed."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (QColor, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter,
                           QPdfWriter)
from PySide6.QtWidgets import QApplication

from app.lab.drills.chart import paint_timeline
from app.lab.drills.events import DrillEvent, DrillEventReader
from widgets.cluster_view.drill import DrillRun, follow
from widgets.cluster_view.drill_panel import paint_drill, verdict_rect
from widgets.cluster_view.ink import DARK, LIGHT, Ink, Scheme

PNG_SIZE = (1800, 1100)
PDF_DPI = 150
_app: QApplication | None = None  # the one Qt needs to paint text, where none runs


def write_pictures(folder: Path, name: str, events: Sequence[DrillEvent],
                   figures: Mapping[str, Any]) -> list[Path]:
    """DIR/drill-NAME.png and .pdf of the run; their paths."""
    _gui()
    folder.mkdir(parents=True, exist_ok=True)
    png, pdf = folder / f"drill-{name}.png", folder / f"drill-{name}.pdf"
    image = QImage(*PNG_SIZE, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    paint_report(painter, QRectF(image.rect()), name, events, figures, DARK)
    painter.end()
    if not image.save(str(png)):
        raise OSError(f"cannot write {png}")
    _write_pdf(pdf, name, events, figures)
    return [png, pdf]


def _write_pdf(path: Path, name: str, events: Sequence[DrillEvent],
               figures: Mapping[str, Any]) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setResolution(PDF_DPI)
    writer.setTitle(f"Drill {name}: {_verdict(events, figures)}")
    writer.setCreator("Ward Station")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    paint_report(painter, QRectF(0, 0, writer.width(), writer.height()), name, events,
                 figures, LIGHT)
    painter.end()


def paint_report(painter: QPainter, page: QRectF, name: str, events: Sequence[DrillEvent],
                 figures: Mapping[str, Any], scheme: Scheme) -> QRectF:
    """The whole page into `page`; where the verdict went (for a test)."""
    u = page.width() / 110.0
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(page, QColor(scheme.background))
    ink = Ink(painter, u, QGuiApplication.font(), scheme)
    run = final_run(name, events, figures)
    margin = 1.5 * u
    inner = page.adjusted(margin, margin, -margin, -margin)
    header = QRectF(inner.left(), inner.top(), inner.width(), 4.2 * u)
    _header(ink, header, run, events)
    body = inner.adjusted(0, header.height() + u, 0, 0)
    panel = QRectF(body.right() - 0.36 * body.width(), body.top(), 0.36 * body.width(),
                   body.height())
    chart = QRectF(body.left(), body.top(), panel.left() - body.left() - 1.5 * u,
                   body.height())
    paint_timeline(ink, chart, events)
    paint_drill(ink, panel, run, run.ended or run.last)
    return verdict_rect(panel, u)


def final_run(name: str, events: Sequence[DrillEvent], figures: Mapping[str, Any]) -> DrillRun:
    """The run as its events tell it, ended with the final figures and verdict."""
    run: DrillRun | None = None
    for event in events:
        run = follow(run, event)
    at = run.last if run is not None else time.time()
    scalar = {key: value for key, value in figures.items()
              if value is None or (isinstance(value, (int, float, str))
                                   and not isinstance(value, bool))}
    return follow(run, DrillEvent(at, name, run.run if run else "report", "end", "", scalar,
                                  _verdict(events, figures)))


def _verdict(events: Sequence[DrillEvent], figures: Mapping[str, Any]) -> str:
    said = figures.get("verdict")
    if isinstance(said, str) and said:
        return said
    ends = [event.verdict for event in events if event.kind == "end" and event.verdict]
    return ends[-1] if ends else "no verdict"


def _header(ink: Ink, box: QRectF, run: DrillRun, events: Sequence[DrillEvent]) -> None:
    u = ink.unit
    line = QRectF(box.left(), box.top(), box.width(), 2.2 * u)
    ink.text(line, f"Failover drill \u00b7 {run.drill}", 1.6, ink.scheme.text, bold=True)
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.started))
    length = f" \u00b7 {run.last - run.started:.0f} s" if events else ""
    ink.text(line, f"{when}{length}", 1.0, ink.scheme.dim, Qt.AlignmentFlag.AlignRight)
    line = QRectF(box.left(), line.bottom(), box.width(), 1.6 * u)
    ink.text(line, run.said or "Ward Station failover lab", 0.9, ink.scheme.dim)


def run_events(lab_folder: Path, since: float) -> list[DrillEvent]:
    """The events of the lab's latest run, if it went on at `since` or later (none when the
    drill wrote none: an older run, which ended before this one began, is never taken for
    it)."""
    reader, events = DrillEventReader(lab_folder), []
    while batch := reader.read():
        events += batch
    if not events:
        return []
    latest = events[-1].run
    run = [event for event in events if event.run == latest]
    return run if run[-1].at >= since else []


def _gui() -> None:
    """Qt needs an application to paint text; a command line has none: an offscreen one (a
    QApplication, so that a window could still be made in the same process)."""
    global _app
    if QGuiApplication.instance() is None:
        _app = QApplication(["ward-station", "-platform", "offscreen"])
