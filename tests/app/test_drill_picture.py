"""The drill's report picture: from the events a drill wrote (through `DrillLog`, as its process
does) and its final figures, a PNG and a one-page PDF, the verdict where it goes and in its
colour; an older run's events are never taken for this one's."""

from __future__ import annotations

import re
import time

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from app.lab.drills.events import DrillLog
from app.lab.drills.picture import PNG_SIZE, paint_report, run_events, write_pictures
from widgets import palette
from widgets.cluster_view.ink import DARK

LOST = "LOST: 3 alarm version(s) the simulator was handed were never shown"
FINAL = {"drill": "redis-master", "detect_s": 2.1, "failover_s": 4.3, "alarms_sent": 60,
         "alarms_shown": 60, "alarms_missing": 0, "writes_queued": 12, "writes_delivered": 12,
         "bus_said": "the master changed"}


def _drill(folder, at: float) -> DrillLog:
    clock = iter(at + n for n in range(100)).__next__
    log = DrillLog(folder, "redis-master", clock=clock)
    log.event("start", "kill the master")
    log.event("counters", figures={"alarms_sent": 20, "alarms_shown": 20})
    log.event("step", "killed redis-1")
    log.event("counters", figures={"alarms_sent": 40, "alarms_shown": 22, "alarms_missing": 18})
    log.event("step", "a replica promoted")
    return log


def _near(colour: QColor, named: str) -> bool:
    want = QColor(named)
    return max(abs(colour.red() - want.red()), abs(colour.green() - want.green()),
               abs(colour.blue() - want.blue())) < 40


def _verdict_box(name, events, figures) -> QRectF:
    """Where the page puts the verdict, painted again at the PNG's size."""
    scratch = QImage(*PNG_SIZE, QImage.Format.Format_RGB32)
    painter = QPainter(scratch)
    box = paint_report(painter, QRectF(scratch.rect()), name, events, figures, DARK)
    painter.end()
    return box


@pytest.mark.parametrize(("verdict", "colour"), [("nothing lost", palette.UP),
                                                 (LOST, palette.DOWN)])
def test_the_report_is_a_png_and_a_pdf_with_the_verdict(qapp, tmp_path, verdict, colour):
    log = _drill(tmp_path / "lab", time.time())
    log.event("end", figures=FINAL, verdict=verdict)
    log.close()
    events = run_events(tmp_path / "lab", since=time.time() - 60)
    assert [e.kind for e in events] == ["start", "counters", "step", "counters", "step", "end"]
    figures = dict(FINAL, verdict=verdict)
    png, pdf = write_pictures(tmp_path / "report", "redis-master", events, figures)
    assert (png.name, pdf.name) == ("drill-redis-master.png", "drill-redis-master.pdf")
    image = QImage(str(png))
    assert (image.width(), image.height()) == PNG_SIZE
    box = _verdict_box("redis-master", events, figures)
    assert _near(image.pixelColor(int(box.left()) + 12, int(box.bottom()) - 12), colour)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and 5_000 < len(data) < 2_000_000
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) == 1, "one page"
    # the title, in UTF-16 with a PDF string's escapes
    title = verdict.encode("utf-16-be").replace(b"(", b"\\(").replace(b")", b"\\)")
    assert title in data, "the verdict is the PDF's title"


def test_a_drill_that_wrote_no_events_still_gets_its_figures_and_verdict(qapp, tmp_path):
    assert run_events(tmp_path, since=0) == []
    png, pdf = write_pictures(tmp_path, "redis-master", [], dict(FINAL, verdict=LOST))
    box = _verdict_box("redis-master", [], dict(FINAL, verdict=LOST))
    assert _near(QImage(str(png)).pixelColor(int(box.left()) + 12, int(box.bottom()) - 12),
                 palette.DOWN)
    assert pdf.stat().st_size > 5_000


def test_an_older_runs_events_are_not_this_ones(tmp_path):
    old = _drill(tmp_path, time.time() - 3600)
    old.close()
    assert run_events(tmp_path, since=time.time() - 60) == []
    began = time.time()
    new = _drill(tmp_path, began - 2)  # its first events before the command's start, its last after
    new.close()
    assert {e.run for e in run_events(tmp_path, since=began)} == {new.run}
