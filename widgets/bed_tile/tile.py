"""One bed of the bed overview: who lies there, the latest numerics, the ECG sweep, an HR trend,
alarms, staleness."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from stores.model import Alarm, Bed, Patient, Vital, VitalSample, Waveform, WaveformChunk
from widgets import vital_text
from widgets.bed_tile import paint as bed_tile_paint
from widgets.bed_tile.layout import TileLayout, layout_tile
from widgets.bed_tile.sparkline import TREND_SECONDS
from widgets.bed_tile.still import TileStill, base_key
from widgets.bed_tile.view import (
    ECG_TEXTS,
    EMPTY_BED,
    TileView,
    alarm_text,
    describe,
    numerics,
)
from widgets.sweep.painter import SweepPainter
from widgets.sweep.scale import screen_px_per_mm

_TREND_POINTS = 256  # a little more than two minutes at 1 Hz


class BedTile(QWidget):
    """A bed's tile. Fed by `BedGrid`; repaints only when what it shows has changed, and, while
    the ECG sweeps, the columns of the strip that each frame of the grid's timer changes.

    Everything but the trace is painted once into a pixmap, and the trace is kept in an image
    of its own (`widgets.sweep.trace`), both copied from there: a frame costs a copy of a few
    columns of each per tile, and no line is drawn in a paint event. A new sample changes only the
    numbers: with a `numbers_pacer` (the grid's), they are drawn when the grid calls
    `show_numbers`, a few tiles per frame, rather than every tile in one pass; anything else
    (an alarm, the stale marker, the selection) repaints the tile at once."""

    patient_clicked = Signal(str)

    def __init__(self, bed: Bed, stale_after_s: float, clock: Callable[[], float],
                 pixels_per_mm: float | None = None) -> None:
        super().__init__()
        self.ecg = SweepPainter(Waveform.ECG_II, pixels_per_mm or screen_px_per_mm(None))
        self._still = TileStill()  # everything but the trace
        # given a tile with new numbers: True if it will call show_numbers() soon
        self.numbers_pacer: Callable[[BedTile], bool] | None = None
        self._sweep_now: float | None = None  # the clock at the grid's last frame
        # what hears that the strip moved, and that all of it is to be painted again (the grid's
        # trace overlay, which paints every tile's strip in one paint event a frame)
        self.strip_moved: Callable[[], None] | None = None
        self.strip_changed: Callable[[], None] | None = None
        self._background_due = True  # the still beneath the strip changed: bake it into the trace
        self._placed_for: tuple | None = None  # size and alarm row the strip was laid out for
        self.bed = bed
        self._stale_after_s = stale_after_s
        self._clock = clock
        self._patient: Patient | None = None
        self._told_occupant = False  # before the first set_patient we cannot know who was there
        self._occupied_since = float("-inf")  # samples older than this are a previous occupant's
        self._latest: VitalSample | None = None
        self._trend: deque[tuple[float, float | None]] = deque(maxlen=_TREND_POINTS)
        # numerics and trend line of the latest sample, made once per sample, not at every
        # refresh (the staleness timer refreshes every tile each second)
        self._numbers: tuple | None = None
        self._alarms: list[Alarm] = []
        self._selected = False
        self._view = self._compute_view()
        self.setAccessibleName(bed.label)
        self.setAccessibleDescription(describe(self._view))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(110, 56)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # the pixmap covers every pixel

    @property
    def patient(self) -> Patient | None:
        return self._patient

    def view(self) -> TileView:
        return self._view

    def set_patient(self, patient: Patient | None) -> None:
        """Who lies in the bed now; a different occupant starts with no numerics and no trend."""
        # Samples are keyed by bed only: the previous occupant's must never pass as the new one's.
        if patient is None or self._patient is None or patient.id != self._patient.id:
            self._forget_samples()
            since = self._clock() if self._told_occupant else float("-inf")
            self._occupied_since = max(since, patient.admitted_at) if patient else since
        self._told_occupant = True
        self._patient = patient
        self.refresh()

    def _forget_samples(self) -> None:
        self._trend.clear()
        self._latest = None
        self._numbers = None
        self.ecg.clear()

    def add_waveform(self, chunks: list[WaveformChunk]) -> None:
        """Take chunks of the bed's waveforms; an empty bed's, or a previous occupant's, are ignored."""
        if self._patient is None:
            return
        before = self.ecg.signal(self._clock())
        self.ecg.add(chunks, self._occupied_since)
        if self.ecg.signal(self._clock()) != before:
            self.refresh()

    def set_pixels_per_mm(self, pixels_per_mm: float) -> None:
        """The screen's scale: the sweep runs at 25 mm/s of this screen."""
        self.ecg.place(self.ecg.strip, pixels_per_mm)
        self._repaint_all()

    def advance_sweep(self, now: float) -> None:
        """One frame of the grid's timer: repaint the columns the sweep changed since the last."""
        self._sweep_now = now
        if not self._view.sweeping or not self.isVisible():
            return
        for rect in self.ecg.dirty_rects(now):
            self.update(rect)

    def advance_columns(self, now: float, steps: dict | None = None) -> list[tuple[int, int]]:
        """One frame of the grid's trace overlay: move the trace on to `now`; the strip's columns
        that changed (pixels from its left edge), for the overlay to repaint."""
        self._sweep_now = now
        if not self._view.sweeping or not self.isVisible():
            return []
        if self._background_due:
            self._background_due = False
            self.ecg.set_background(self._still_pixmap(QRect()).toImage())
        return self.ecg.dirty_columns(now, steps)

    def strip_ready(self) -> bool:
        """Whether the strip shows as it is (the still beneath the trace baked in) in the
        canvas the grid's trace overlay draws; else `paint_strip` paints it."""
        layer = self.ecg.layer
        return (not self._background_due and self._view.sweeping and self.ecg.on_canvas
                and layer is not None and layer.drawn)

    def catch_up_sweep(self) -> None:
        """Get the ECG's new samples ready to show (the grid spreads this over a few frames)."""
        self.ecg.catch_up()

    def set_trend(self, samples: list[VitalSample]) -> None:
        """Replace the trend (and latest numerics) with this bed's recent samples."""
        self._forget_samples()
        if self._patient is None:  # an empty bed's samples belong to nobody we could show
            self.refresh()
            return
        for sample in sorted(samples, key=lambda s: s.time):
            if sample.time >= self._occupied_since:
                self._append(sample)
        self.refresh()

    def add_sample(self, sample: VitalSample) -> None:
        """Take the bed's newest sample; one that is not newer, or for an empty bed, is ignored."""
        if self._patient is None or sample.time < self._occupied_since:
            return
        if self._latest is None or sample.time > self._latest.time:
            self._append(sample)
            self.refresh()

    def _append(self, sample: VitalSample) -> None:
        self._latest = sample
        self._trend.append((sample.time, sample.value(Vital.HEART_RATE)))
        self._numbers = None

    def set_alarms(self, alarms: list[Alarm]) -> None:
        """This bed's alarms needing attention, most urgent first."""
        self._alarms = list(alarms)
        self.refresh()

    def set_selected(self, selected: bool) -> None:
        self._selected = selected
        self.refresh()

    def refresh(self) -> None:
        """Recompute what the tile shows (also as time passes) and repaint if it changed."""
        view = self._compute_view()
        if view == self._view:
            return
        numbers_only = self._base_key(view) == self._base_key(self._view)
        self._view = view
        self._place_strip()  # the alarm row may have come or gone
        self.setAccessibleDescription(describe(view))
        if not numbers_only:
            self._background_due = True
            self._repaint_all()  # alarm colour, stale marker, selection: never held back
        elif self.numbers_pacer is None or not self.numbers_pacer(self):
            self.update(self._numbers_area())

    def _repaint_all(self) -> None:
        self.update()
        if self.strip_changed is not None:
            self.strip_changed()

    def show_numbers(self) -> None:
        """Draw the present numbers into the still image, outside a paint event, and repaint
        their area (the grid's frames call this for tiles whose numbers changed)."""
        if not self.isVisible() or self._still.numbers_current(self._view):
            return  # a hidden tile is drawn whole when it is shown
        if self._still.holds(self._base_key(self._view)):
            self.update(self._still.paint_numbers(self.parts(), self._view))

    def _compute_view(self) -> TileView:
        top = self._alarms[0] if self._alarms else None
        return TileView(
            bed=self.bed.label,
            patient=self._patient.full_name if self._patient else EMPTY_BED,
            details=vital_text.age_sex_text(self._patient, self._clock()) if self._patient else "",
            numerics=self._latest_numbers()[0] if self._patient else (),
            stale=self._stale_text(),
            ecg=ECG_TEXTS[self.ecg.signal(self._clock())] if self._patient else "",
            alarm=top.priority if top else None,
            alarm_text=alarm_text(self._alarms),
            selected=self._selected,
            trend=self._latest_numbers()[1] if self._patient else (),
            simulated=self._patient is not None and (
                (self._latest is not None and self._latest.simulated)
                or any(alarm.simulated for alarm in self._alarms)),
        )

    def _stale_text(self) -> str:
        if self._patient is None:
            return ""
        if self._latest is None:
            return "NO DATA"
        age = self._clock() - self._latest.time
        return f"NO DATA {vital_text.age_text(age)}" if age > self._stale_after_s else ""

    def _latest_numbers(self) -> tuple:
        """The numerics of the latest sample, and the trend line's points up to it."""
        if self._numbers is None:
            trend = ()
            if self._latest is not None:
                since = self._latest.time - TREND_SECONDS
                trend = tuple(point for point in self._trend if point[0] >= since)
            self._numbers = (numerics(self._latest), trend)
        return self._numbers

    def paintEvent(self, event: QPaintEvent) -> None:
        self._place_strip()
        still = self._still_pixmap(event.region().boundingRect())
        painter = QPainter(self)
        # whole images: the paint event's region clips them to the columns and numbers repainted
        painter.drawPixmap(0, 0, still)
        if self._view.sweeping:
            now = self._sweep_now if self._sweep_now is not None else self._clock()
            self.ecg.paint(painter, now)
        painter.end()

    def strip_rect(self) -> QRect | None:
        """Where the ECG strip is laid out in the tile (None: nowhere yet)."""
        strip = self.ecg.strip.toRect()
        return strip if not strip.isEmpty() else None

    def paint_strip(self, painter: QPainter) -> None:
        """Paint the strip as `paintEvent` would, with `painter` at the tile's origin: the still
        image there, and the trace over it while it sweeps."""
        self._place_strip()
        strip = self.ecg.strip.toRect()
        painter.setClipRect(strip)
        painter.drawPixmap(0, 0, self._still_pixmap(strip))
        if self._view.sweeping:
            self.ecg.paint(painter, self._sweep_now if self._sweep_now is not None else self._clock())

    def _still_pixmap(self, area: QRect) -> QPixmap:
        """The tile without its trace: drawn whole when more than its numbers changed; its
        numbers drawn again when `area` (being repainted) reaches them."""
        if not self._still.holds(self._base_key(self._view)):
            self._still.paint_all(self.rect(), self._view, self.hasFocus(), self.devicePixelRatioF())
        elif not self._still.numbers_current(self._view) and area.intersects(self._numbers_area()):
            self._still.paint_numbers(self.parts(), self._view)
        return self._still.pixmap

    def _base_key(self, view: TileView) -> tuple:
        return base_key(view, self.size(), self.devicePixelRatioF(), self.hasFocus())

    def _numbers_area(self) -> QRect:
        return bed_tile_paint.numbers_area(self.parts())

    def parts(self) -> TileLayout:
        """Where the tile's parts are at its present size."""
        return layout_tile(bed_tile_paint.inner_rect(self.rect()), self._view.alarm is not None)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_strip()

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        if event.pos() != event.oldPos():  # (Qt also tells of a move it held back, to nowhere new)
            self.ecg.use_canvas(None)  # its place in the grid's canvas is somewhere else now
            self._strip_moved()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._strip_moved()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._strip_moved()

    def _strip_moved(self) -> None:
        if self.strip_moved is not None:
            self.strip_moved()

    def _place_strip(self) -> None:
        """Lay the strip out again if the size, the alarm row or the screen's ratio changed:
        checked on resize (a hidden tile gets its resize event when shown), when the view
        changes and on paint (a move to another screen sends no event here), never per frame."""
        key = (self.width(), self.height(), self._view.alarm is not None, self.devicePixelRatioF())
        if key != self._placed_for:
            self._placed_for = key
            self.ecg.place(self.parts().strip, ratio=key[3])
            self._background_due = True
            self._strip_moved()  # a new place, size or ratio: a new place in the grid's canvas

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self._report_click()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._report_click()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    def _report_click(self) -> None:
        if self._patient is not None:
            self.patient_clicked.emit(self._patient.id)
