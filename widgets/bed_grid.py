"""The bed overview: one tile per bed of the ward, in the order of the ward's grid, each with a live
ECG sweep that one shared timer advances at the display rate."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QWidget

from stores.model import Alarm, Bed, Patient, VitalSample, WaveformChunk, banner_order
from widgets.bed_tile.tile import BedTile
from widgets.bed_tile.traces import TraceOverlay
from widgets.sweep.scale import screen_px_per_mm

STALENESS_CHECK_MS = 1000
MAX_FRAME_HZ = 60.0  # no screen needs more; a faster one would only cost CPU
MAX_ROWS = 8
# The ward's numbers arrive together once a second; taking every tile's sample (its view worked
# out again: 2 ms for 32 beds) and drawing every tile's numbers (about 0.8 ms of text a tile) in
# one frame made that frame long. Each frame takes the samples of a share of the tiles and draws
# their numbers, so all are shown within this many frames: a sixteenth of the grid a frame (an
# eighth still made the frames of a poll the slowest 1 %), all within 0.27 s at 60 Hz.
NUMBERS_SPREAD_FRAMES = 16
# Every bed's ECG chunk comes in the same poll too; making each ready to show (its trace's
# columns worked out) is spread the same way. Chunks come a quarter second or more ahead of
# the head; a tile whose turn has not come when the head reaches them does it then. Eight
# frames (0.13 s, within that quarter second): a quarter of 64 beds a frame made the frames of
# a poll 5-6 ms longer than the rest.
CHUNKS_SPREAD_FRAMES = 8


def columns_for(bed_count: int) -> int:
    """2 columns up to 8 beds (wide tiles, long ECG strips), then 4 up to 32 beds (4x4 for 16,
    4x8 for 32: wide enough for a strip beside HR and SpO2), then as many as keep 8 rows."""
    if bed_count <= 8:
        return 2
    return max(4, math.ceil(bed_count / MAX_ROWS))


def rows_for(bed_count: int) -> int:
    return math.ceil(bed_count / columns_for(bed_count)) if bed_count else 0


class BedGrid(QWidget):
    """Tiles of every bed. Staleness is re-checked every second, even when no data arrives.
    `pixels_per_mm` is the station's calibration of the screen (None: the screen's own)."""

    patient_selected = Signal(str)
    frame_ticked = Signal(float)  # a frame's clock, after the tiles moved on: others paint in step

    def __init__(
        self,
        stale_after_s: float = 5.0,
        clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
        pixels_per_mm: float | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("BedGrid")
        self._stale_after_s = stale_after_s
        self._clock = clock
        self._tiles: dict[str, BedTile] = {}
        self._vitals_due: dict[BedTile, VitalSample] = {}  # new samples waiting for a frame, in order
        self._numbers_due: dict[BedTile, None] = {}  # tiles whose new numbers wait for a frame, in order
        self._chunks_due: dict[BedTile, None] = {}  # tiles whose new ECG waits to be made ready
        self._alarms: list[Alarm] = []
        self._selected_patient: str | None = None
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._traces = TraceOverlay(self)  # every tile's ECG strip, one paint event a frame
        self._timer = QTimer(self, interval=STALENESS_CHECK_MS, timeout=self.refresh_staleness)
        self._timer.start()
        # the station's calibration; None: the screen's own scale, looked up when shown (and
        # when it moves to another)
        self._calibrated_px_per_mm = pixels_per_mm
        self._pixels_per_mm = screen_px_per_mm(None, pixels_per_mm)
        self._followed_window = None
        # ONE timer for every tile's sweep: a frame is one pass over the tiles, and Qt merges
        # their repainted columns into one flush of the window
        self.frame_timer = QTimer(self, timeout=self.advance_sweeps)
        self.frame_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.frame_timer.setInterval(round(1000 / MAX_FRAME_HZ))

    def tile(self, bed_id: str) -> BedTile | None:
        return self._tiles.get(bed_id)

    def tiles(self) -> list[BedTile]:
        return list(self._tiles.values())

    def columns(self) -> int:
        return columns_for(len(self._tiles))

    @Slot(list, dict)
    def set_beds(self, beds: list[Bed], patients: dict[str, Patient]) -> None:
        """The ward's beds and who lies in them (patients by bed id; a missing bed is empty)."""
        ordered = sorted(beds, key=lambda bed: (bed.position, bed.id))
        if [bed.id for bed in ordered] != list(self._tiles):
            self._rebuild(ordered)
        for bed_id, tile in self._tiles.items():
            tile.set_patient(patients.get(bed_id))
        self.show_alarms(self._alarms)  # a new occupant must not inherit the last one's alarms
        self.select_patient(self._selected_patient or "")

    def _rebuild(self, beds: list[Bed]) -> None:
        old = self._tiles
        for tile in old.values():
            self._layout.removeWidget(tile)
        self._tiles = {bed.id: old.pop(bed.id, None) or self._new_tile(bed) for bed in beds}
        for tile in old.values():
            tile.strip_moved = tile.strip_changed = None
            self._vitals_due.pop(tile, None)
            self._numbers_due.pop(tile, None)
            self._chunks_due.pop(tile, None)
            tile.hide()
            tile.deleteLater()
        self._place_tiles()
        self._traces.set_tiles(self._tiles.values())

    @property
    def traces(self) -> TraceOverlay:
        """The widget the tiles' ECG strips are painted in, over the tiles."""
        return self._traces

    def frame_widgets(self) -> list[QWidget]:
        """What a frame paints: the tiles' strips, and the tiles whose numbers changed."""
        return [self._traces, *self._tiles.values()]

    def _place_tiles(self) -> None:
        columns = self.columns()
        rows = math.ceil(len(self._tiles) / columns)
        self._layout.setSpacing(6 if rows <= 4 else 4)  # eight rows need every pixel
        for index, tile in enumerate(self._tiles.values()):
            self._layout.addWidget(tile, index // columns, index % columns)
        # Equal stretch keeps tiles the same size; leftovers of a wider ward's grid get none.
        for column in range(max(columns, self._layout.columnCount())):
            self._layout.setColumnStretch(column, int(column < columns))
        for row in range(max(rows, self._layout.rowCount())):
            self._layout.setRowStretch(row, int(row < rows))
        self._even_out()

    def resizeEvent(self, event) -> None:
        self._even_out()
        super().resizeEvent(event)
        self._traces.follow_soon()

    def _even_out(self) -> None:
        """Equal stretch alone is not equal tiles: the grid hands its leftover pixels to some
        rows and columns, and one pixel can cross a tile layout's threshold (alternate rows laid
        out differently were seen). The leftover is kept as a margin at the right and bottom."""
        columns = self.columns()
        rows = max(1, math.ceil(len(self._tiles) / columns))
        spacing = self._layout.spacing()
        spare_width = max(0, self.width() - spacing * (columns - 1)) % columns
        spare_height = max(0, self.height() - spacing * (rows - 1)) % rows
        self._layout.setContentsMargins(0, 0, spare_width, spare_height)

    def _new_tile(self, bed: Bed) -> BedTile:
        tile = BedTile(bed, self._stale_after_s, self._clock, self._pixels_per_mm)
        tile.patient_clicked.connect(self._on_tile_clicked)
        tile.numbers_pacer = self._pace_numbers
        return tile

    @Slot(dict)
    def show_recent(self, recent: dict[str, list[VitalSample]]) -> None:
        """Recent samples per bed id: replaces those beds' trends and numerics."""
        for bed_id, samples in recent.items():
            if bed_id in self._tiles:
                self._tiles[bed_id].set_trend(samples)

    @Slot(dict)
    def show_vitals(self, latest: dict[str, VitalSample]) -> None:
        """The newest sample per bed id. While the frames run, they give the tiles their samples
        a share of the grid at a time (every bed's comes in the same poll); else at once."""
        pace = self._frames_run()
        for bed_id, sample in latest.items():
            tile = self._tiles.get(bed_id)
            if tile is None:
                continue
            if not pace:
                tile.add_sample(sample)
            elif tile not in self._vitals_due or sample.time > self._vitals_due[tile].time:
                self._vitals_due[tile] = sample  # a tile still waiting keeps its turn

    @Slot(dict)
    def add_waveforms(self, chunks: dict[str, list[WaveformChunk]]) -> None:
        """New waveform chunks per bed id. Nothing is repainted here: the frame timer draws them."""
        for bed_id, bed_chunks in chunks.items():
            if bed_id in self._tiles:
                self._tiles[bed_id].add_waveform(bed_chunks)
                self._chunks_due[self._tiles[bed_id]] = None
        if chunks and not self.frame_timer.isActive():
            self.frame_timer.start()

    @Slot()
    def advance_sweeps(self) -> None:
        """One frame: every tile repaints the columns its sweep changed."""
        if not self.isVisible():
            self._take_due_vitals(len(self._vitals_due))  # no frame will: tiles read them now
            return
        now = self._clock()
        self._traces.follow_if_due()
        self._traces.advance(now)
        self.frame_ticked.emit(now)
        self._take_due_vitals(math.ceil(len(self._tiles) / NUMBERS_SPREAD_FRAMES))
        self._show_due_numbers()
        self._catch_up_due_chunks()

    def _frames_run(self) -> bool:
        return self.frame_timer.isActive() and self.isVisible()

    def _pace_numbers(self, tile: BedTile) -> bool:
        """A tile's numbers changed: True if the frames will draw them (else it repaints now)."""
        if not self._frames_run():
            return False
        self._numbers_due[tile] = None
        return True

    def _take_due_vitals(self, count: int) -> None:
        """Give the tiles that waited longest their new samples (their numbers are drawn by
        `_show_due_numbers`, next in the same frame)."""
        for tile in list(self._vitals_due)[:count]:
            tile.add_sample(self._vitals_due.pop(tile))

    def _show_due_numbers(self) -> None:
        """Draw the new numbers of the tiles that waited longest, a share of the grid per frame."""
        share = math.ceil(len(self._tiles) / NUMBERS_SPREAD_FRAMES)
        for tile in list(self._numbers_due)[:share]:
            del self._numbers_due[tile]
            tile.show_numbers()

    def _catch_up_due_chunks(self) -> None:
        """Make ready the new ECG of the tiles that waited longest, a share of the grid per frame."""
        share = math.ceil(len(self._tiles) / CHUNKS_SPREAD_FRAMES)
        for tile in list(self._chunks_due)[:share]:
            del self._chunks_due[tile]
            tile.catch_up_sweep()

    def pixels_per_mm(self) -> float:
        return self._pixels_per_mm

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._follow_screen()
        handle = self.window().windowHandle()
        if handle is not None and handle is not self._followed_window:
            handle.screenChanged.connect(self._follow_screen)
            self._followed_window = handle

    def _follow_screen(self, *_) -> None:
        """Take the scale and refresh rate of the screen the grid is on."""
        screen = self.screen()
        if screen is not None and screen.refreshRate() > 0:
            self.frame_timer.setInterval(round(1000 / min(screen.refreshRate(), MAX_FRAME_HZ)))
        scale = screen_px_per_mm(screen, self._calibrated_px_per_mm)
        if scale != self._pixels_per_mm:
            self._pixels_per_mm = scale
            for tile in self._tiles.values():
                tile.set_pixels_per_mm(scale)

    @Slot(list)
    def show_alarms(self, alarms: list[Alarm]) -> None:
        """The ward's open alarms; each tile shows its occupant's most urgent one that still
        needs attention (an acknowledged alarm is the banner's to list, not the tile's to flag)."""
        self._alarms = list(alarms)
        by_bed: dict[str, list[Alarm]] = defaultdict(list)
        for alarm in banner_order(self._alarms):
            if alarm.needs_attention:
                by_bed[alarm.bed_id].append(alarm)
        for bed_id, tile in self._tiles.items():
            alarms = [a for a in by_bed.get(bed_id, []) if _concerns(a, tile.patient)]
            if alarms and tile in self._vitals_due:  # repainted now: with the sample it is about
                tile.add_sample(self._vitals_due.pop(tile))
            tile.set_alarms(alarms)

    @Slot(str)
    def select_patient(self, patient_id: str) -> None:
        """Highlight the tile of this patient (an unknown id or "" highlights none)."""
        self._selected_patient = patient_id or None
        for tile in self._tiles.values():
            tile.set_selected(tile.patient is not None and tile.patient.id == patient_id)

    @Slot()
    def refresh_staleness(self) -> None:
        for tile in self._tiles.values():
            tile.refresh()

    def _on_tile_clicked(self, patient_id: str) -> None:
        self.select_patient(patient_id)
        self.patient_selected.emit(patient_id)


def _concerns(alarm: Alarm, patient: Patient | None) -> bool:
    """Whether an alarm belongs on the tile of the bed's present occupant.

    A latched alarm outlives its patient's discharge or move; it must not colour whoever lies in
    the bed next. An alarm naming no patient (a technical alarm of the bed) belongs to the bed.
    """
    if alarm.patient_id is None:
        return True
    return patient is not None and alarm.patient_id == patient.id
