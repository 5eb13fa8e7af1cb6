"""Regional analytics of the last 24 hours: one column of small charts per region."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from stores.model import WardHour, WardOccupancy
from widgets import palette
from widgets.analytics_charts import HOUR, RegionColumn
from widgets.scrolled import scrolled

DAY = 24 * HOUR
TITLE_ROW, OCCUPANCY_ROW = 0, 4
MESSAGE, CHARTS = 0, 1  # the pages of the panel
PLOT_ROWS = {1: 3, 2: 3, 3: 4}  # share of the height: alarms, HR, SpO₂ (it has the time axis)
TITLE_HEIGHT = 34  # px: the region's name, and under it its alarms
WARD_ROW = 17  # px per ward in the occupancy bars


class AnalyticsPanel(QWidget):
    """Alarms, mean HR and SpO₂ per hour, and ward occupancy, per region, side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.charts = pg.GraphicsLayoutWidget()
        self.charts.setBackground(palette.PANEL)
        self.charts.ci.setContentsMargins(0, 0, 0, 0)
        self.charts.ci.setSpacing(2)
        self.message = QLabel(objectName="Hint", wordWrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._columns: dict[str, RegionColumn] = {}
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.message)
        self._stack.addWidget(scrolled(self.charts))
        grid = self.charts.ci.layout
        grid.setRowFixedHeight(TITLE_ROW, TITLE_HEIGHT)
        for row, share in PLOT_ROWS.items():
            grid.setRowStretchFactor(row, share)
        self.show_message("No analytics yet")

    def regions(self) -> list[str]:
        return list(self._columns)

    def region(self, name: str) -> RegionColumn:
        return self._columns[name]

    @Slot(dict)
    def show_hours(self, hours: dict[str, list[WardHour]]) -> None:
        """Per region (in the dict's order), the hourly rollups of its wards over the last day."""
        if not any(hours.values()):
            self.show_message("No alarms or vital signs recorded in the last 24 hours")
            return
        end = max(h.hour for rollups in hours.values() for h in rollups) + HOUR
        for region, rollups in hours.items():
            self._column(region).show_hours(rollups, end - DAY, end)
        self._hold_charts_whole()
        self._stack.setCurrentIndex(CHARTS)

    @Slot(list)
    def show_occupancy(self, occupancy: list[WardOccupancy]) -> None:
        by_region: dict[str, list[WardOccupancy]] = {}
        for ward in occupancy:
            by_region.setdefault(ward.region, []).append(ward)
        rows = max((len(wards) for wards in by_region.values()), default=0)
        for region in [*self._columns, *by_region]:
            self._column(region).show_occupancy(by_region.get(region, []), rows)
        self.charts.ci.layout.setRowFixedHeight(OCCUPANCY_ROW, rows * WARD_ROW + 4)
        self._hold_charts_whole()

    @Slot(str)
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentIndex(MESSAGE)

    def _hold_charts_whole(self) -> None:
        """Never narrower than the region columns need: in a small panel they scroll, where
        the view would otherwise cut the last column off at its edge."""
        needed = self.charts.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        self.charts.setMinimumSize(math.ceil(needed.width()), math.ceil(needed.height()))

    def _column(self, region: str) -> RegionColumn:
        if region not in self._columns:
            self._columns[region] = RegionColumn(self.charts.ci, len(self._columns), region)
        return self._columns[region]
