"""Run by tests/widgets/test_bed_traces.py in a process of its own, on a screen of two device
pixels per pixel (QT_SCALE_FACTOR=2, which Qt reads only at start): after frames and an alarm,
the grid as drawn (its trace overlay over the tiles) equals each tile drawn alone. Exit 0 and
"ok" when it does; the tiles that differ otherwise."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from stores.model import Alarm, Priority, VitalSample  # noqa: E402
from tests.widgets.test_bed_traces import ecg, frames  # noqa: E402
from tests.widgets.ward_grid import BEDS, T0, deliver_repaints, patient  # noqa: E402
from widgets.bed_grid import BedGrid  # noqa: E402


def main() -> int:
    app = QApplication([])
    now = [T0]
    grid = BedGrid(clock=lambda: now[0])
    grid.set_beds(BEDS, {bed.id: patient(bed) for bed in BEDS})
    grid.show_vitals({bed.id: VitalSample(bed.id, T0, heart_rate=70.0, spo2=97.0) for bed in BEDS})
    grid.resize(1100, 650)
    grid.show()
    deliver_repaints()
    grid.add_waveforms({bed.id: [ecg(bed, T0 - 8, 9)] for bed in BEDS})
    frames(grid, now, 0.5)
    grid.show_alarms([Alarm("a1", "north", "north-1", "b02", "p-b02", "Jane b02", Priority.HIGH,
                            "SpO\u2082 low", T0)])
    frames(grid, now, 0.3)
    ratio = grid.devicePixelRatioF()
    if ratio != 2.0:
        print(f"the screen has {ratio} device pixels per pixel, not 2")
        return 1
    if not all(tile.strip_ready() for tile in grid.tiles()):
        print("not every strip is drawn from the canvas")
        return 1
    whole = grid.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    differ = []
    for tile in grid.tiles():
        at = tile.geometry()
        part = whole.copy(QRect(round(at.x() * ratio), round(at.y() * ratio),
                                round(at.width() * ratio), round(at.height() * ratio)))
        alone = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        part.setDevicePixelRatio(alone.devicePixelRatio())
        if part != alone:
            differ.append(tile.bed.label)
    print("ok" if not differ else "differ: " + ", ".join(differ))
    del app
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
