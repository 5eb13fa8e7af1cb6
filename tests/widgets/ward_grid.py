"""What the bed grid's tests share: a ward of 32 occupied beds shown at the size of the beds
panel, and the repaints Qt was asked for delivered now."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QCoreApplication

from stores.model import Bed, Patient, VitalSample
from widgets.bed_grid import BedGrid

T0 = 1_750_000_000.0
BEDS = [Bed(f"b{n:02d}", "north", "north-1", f"Bed {n}", n) for n in range(1, 33)]


def patient(bed: Bed) -> Patient:
    return Patient(f"p-{bed.id}", "north", "north-1", "M1", "Jane", bed.id, date(1960, 1, 1),
                   bed_id=bed.id)


def deliver_repaints() -> None:
    """Paint now what was asked to be repainted (Qt posts the request to the window)."""
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()


def shown_ward_grid(qtbot, now: list[float], vitals: Mapping[str, VitalSample]) -> BedGrid:
    """The 32 beds, each with its patient and `vitals`, shown at 1100x650 (the beds panel of a
    1920x1080 window: compact tiles); the grid's clock is `now[0]`."""
    grid = BedGrid(clock=lambda: now[0])
    qtbot.addWidget(grid)
    grid.set_beds(BEDS, {bed.id: patient(bed) for bed in BEDS})
    grid.show_vitals(dict(vitals))
    grid.resize(1100, 650)
    grid.show()
    qtbot.waitExposed(grid)
    return grid
