"""One bed of the bed overview: who lies there, the latest numerics, the ECG sweep, an HR trend,
alarms, staleness."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from stores.model import Alarm, Bed, Patient, Vital, VitalSample, WaveformChunk
from widgets import bed_tile_paint, ecg_sweep_paint, vital_text
from widgets.bed_tile_ecg import TileEcg
from widgets.bed_tile_layout import TileLayout, layout_tile
from widgets.bed_tile_sparkline import TREND_SECONDS
from widgets.bed_tile_view import ECG_TEXTS, EMPTY_BED, TileView, alarm_text, describe, numerics

_TREND_POINTS = 256  # a little more than two minutes at 1 Hz


class BedTile(QWidget):
    """A bed's tile. Fed by `BedGrid`; repaints only when what it shows has changed, and, while
    the ECG sweeps, the columns of the strip that each frame of the grid's timer changes.

    Everything but the trace is painted once into a pixmap and copied from there, so a frame
    costs a copy of a few columns and a short polyline per tile."""

    patient_clicked = Signal(str)

    def __init__(self, bed: Bed, stale_after_s: float, clock: Callable[[], float],
                 pixels_per_mm: float = ecg_sweep_paint.FALLBACK_DPI / ecg_sweep_paint.MM_PER_INCH) -> None:
        super().__init__()
        self.ecg = TileEcg(pixels_per_mm)
        self._still: QPixmap | None = None  # everything but the trace, for the present view
        self._still_key: tuple | None = None
        self._sweep_now: float | None = None  # the clock at the grid's last frame
        self._placed_for: tuple | None = None  # size and alarm row the strip was laid out for
        self.bed = bed
        self._stale_after_s = stale_after_s
        self._clock = clock
        self._patient: Patient | None = None
        self._told_occupant = False  # before the first set_patient we cannot know who was there
        self._occupied_since = float("-inf")  # samples older than this are a previous occupant's
        self._latest: VitalSample | None = None
        self._trend: deque[tuple[float, float | None]] = deque(maxlen=_TREND_POINTS)
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
        self.update()

    def advance_sweep(self, now: float) -> None:
        """One frame of the grid's timer: repaint the columns the sweep changed since the last."""
        self._sweep_now = now
        self._place_strip()
        if not self._view.sweeping or not self.isVisible():
            return
        for rect in self.ecg.dirty_rects(now):
            self.update(rect)

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
        if view != self._view:
            self._view = view
            self.setAccessibleDescription(describe(view))
            self.update()

    def _compute_view(self) -> TileView:
        top = self._alarms[0] if self._alarms else None
        return TileView(
            bed=self.bed.label,
            patient=self._patient.full_name if self._patient else EMPTY_BED,
            details=vital_text.age_sex_text(self._patient, self._clock()) if self._patient else "",
            numerics=numerics(self._latest) if self._patient else (),
            stale=self._stale_text(),
            ecg=ECG_TEXTS[self.ecg.signal(self._clock())] if self._patient else "",
            alarm=top.priority if top else None,
            alarm_text=alarm_text(self._alarms),
            selected=self._selected,
            trend=self._recent_trend(),
        )

    def _stale_text(self) -> str:
        if self._patient is None:
            return ""
        if self._latest is None:
            return "NO DATA"
        age = self._clock() - self._latest.time
        return f"NO DATA {vital_text.age_text(age)}" if age > self._stale_after_s else ""

    def _recent_trend(self) -> tuple[tuple[float, float | None], ...]:
        if self._latest is None or self._patient is None:
            return ()
        since = self._latest.time - TREND_SECONDS
        return tuple(point for point in self._trend if point[0] >= since)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._place_strip()
        painter = QPainter(self)
        area = event.rect()
        still = self._still_pixmap()
        ratio = still.devicePixelRatio()
        source = QRectF(area.x() * ratio, area.y() * ratio, area.width() * ratio, area.height() * ratio)
        painter.drawPixmap(QRectF(area), still, source)
        if self._view.sweeping:
            now = self._sweep_now if self._sweep_now is not None else self._clock()
            self.ecg.paint(painter, area, now)
        painter.end()

    def _still_pixmap(self) -> QPixmap:
        """The tile without its trace, drawn again only when the view, size or focus changed."""
        ratio = self.devicePixelRatioF()
        key = (self._view, self.size().toTuple(), ratio, self.hasFocus())
        if key != self._still_key:
            self._still = QPixmap(self.size() * ratio)
            self._still.setDevicePixelRatio(ratio)
            painter = QPainter(self._still)
            bed_tile_paint.paint_tile(painter, self.rect(), self._view, self.hasFocus())
            painter.end()
            self._still_key = key
        return self._still

    def parts(self) -> TileLayout:
        """Where the tile's parts are at its present size."""
        return layout_tile(bed_tile_paint.inner_rect(self.rect()), self._view.alarm is not None)

    def _place_strip(self) -> None:
        """Lay the strip out again if the size or the alarm row changed (a hidden widget gets no
        resize event, so this is checked on each frame and paint rather than on resize)."""
        key = (self.size().toTuple(), self._view.alarm is not None)
        if key != self._placed_for:
            self._placed_for = key
            self.ecg.place(self.parts().strip)

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
