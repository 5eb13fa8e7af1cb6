"""The selected bed's live ECG II and pleth, swept across at 25 mm/s like a bedside monitor,
drawn by the sweep engine's QPainter renderer as the bed tiles are (`widgets.sweep.painter`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from stores.model import Waveform, WaveformChunk
from widgets import palette
from widgets.sweep.model import HEAD_DELAY_S, SWEEP_MM_S
from widgets.sweep.painter import SweepPainter
from widgets.sweep.scale import screen_px_per_mm

FRAME_MS = 33  # ~30 frames a second: 3 px per frame at 25 mm/s, smooth and half the 60 Hz cost
# Following the bed grid's frames (60 Hz), the strips redraw on every other one: their 30 Hz in
# step with the tiles, so their columns are painted in the tiles' repaint pass, not in passes of
# their own (80 passes a second for 56 frames when each ran its own timer).
GRID_FRAMES_PER_FRAME = 2
SPEED = f"{SWEEP_MM_S:.0f} mm/s"
# What a strip says instead of its speed, by the sweep's signal ("live" needs no words).
NOTICES = {Waveform.ECG_II: {"invalid": "leads off", "none": "no signal"},
           Waveform.PLETH: {"invalid": "sensor off", "none": "no signal"}}
LABEL_PT = 9
_MARGIN_X, _MARGIN_Y = 4, 2  # around each strip: the trace never touches the panel's edge


class WaveformView(QWidget):
    """Two strips, ECG II above pleth; chunks come through `add_chunks`, a timer moves the
    sweeps on and repaints only the columns each frame changed. `pixels_per_mm` is the
    station's calibration of the screen (None: the screen's own)."""

    def __init__(self, clock: Callable[[], float] = time.time, parent=None, *,
                 pixels_per_mm: float | None = None, delay_s: float = HEAD_DELAY_S,
                 frame_ms: int = FRAME_MS) -> None:
        super().__init__(parent)
        self.setObjectName("WaveformView")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # the paint covers every pixel
        self.setMinimumSize(120, 64)
        self._clock, self._calibrated_px_per_mm = clock, pixels_per_mm
        self.strips = {w: SweepPainter(w, self.pixels_per_mm(), delay_s) for w in Waveform}
        self._notices = dict.fromkeys(Waveform, "")
        self._font = QFont(self.font())
        self._font.setPointSize(LABEL_PT)
        self._placed_for: tuple | None = None  # the size and scale the strips were laid out for
        self._label_rects = dict.fromkeys(Waveform, QRect())
        self._now: float | None = None  # the clock at the last frame
        self._timer = QTimer(self, interval=frame_ms, timeout=self._on_timer)
        self._grid_frames = 0  # the grid's frames seen
        self._grid_frame_at = -math.inf  # time.monotonic() of the last

    def close(self) -> bool:
        self._timer.stop()
        return super().close()

    def pixels_per_mm(self) -> float:
        return screen_px_per_mm(self.screen(), self._calibrated_px_per_mm)

    def sweeping(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def start(self) -> None:
        """A bed is shown: empty strips, and the sweep starts."""
        for strip in self.strips.values():
            strip.clear()
        self._timer.start()
        self.redraw()

    @Slot()
    def stop(self) -> None:
        """No bed: the strips go blank and the sweep stops (nothing to redraw)."""
        self._timer.stop()
        for waveform, strip in self.strips.items():
            strip.clear()
            self._notices[waveform] = ""
        self.update()

    @Slot(float)
    def on_grid_frame(self, _now: float = 0.0) -> None:
        """A frame of the bed grid (its `frame_ticked`): the strips redraw on every other one,
        and their own timer waits while these come."""
        self._grid_frame_at = time.monotonic()
        self._grid_frames += 1
        if self._grid_frames % GRID_FRAMES_PER_FRAME == 0 and self.sweeping():
            self.redraw()

    def _on_timer(self) -> None:
        """The strips' own frame, while no grid's frames drive them (none shown, none sweeping)."""
        if time.monotonic() - self._grid_frame_at > 2 * self._timer.interval() / 1000:
            self.redraw()

    @Slot(list)
    def add_chunks(self, chunks: list[WaveformChunk]) -> None:
        """Keep new samples, their columns worked out now; the next frame shows them (never a
        repaint per chunk)."""
        for strip in self.strips.values():
            strip.add(chunks)
            strip.catch_up()

    @Slot()
    def redraw(self) -> None:
        """One frame: every strip's head moved to now, and the columns that changed repainted."""
        if not self.isVisible():
            return  # shown again, the strips are drawn whole (the head jumped)
        self._now = now = self._clock()
        self._place()
        for waveform, strip in self.strips.items():
            for rect in strip.dirty_rects(now):
                self.update(rect)
            self._set_notice(waveform, NOTICES[waveform].get(strip.signal(now), SPEED))

    def label(self, waveform: Waveform) -> str:
        """What the strip's label says: "ECG II  25 mm/s", "Pleth  sensor off", "ECG II"."""
        return f"{waveform.label}  {self._notices[waveform]}".rstrip()

    def _set_notice(self, waveform: Waveform, notice: str) -> None:
        if notice != self._notices[waveform]:
            self._notices[waveform] = notice
            self.update(self._label_rects[waveform])

    def _place(self) -> None:
        """Lay the strips out again if the size or the screen's scale changed (checked each frame:
        a screen change sends no event here)."""
        key = (self.width(), self.height(), self.devicePixelRatioF(), self.pixels_per_mm())
        if key == self._placed_for:
            return
        self._placed_for = key
        width, height, ratio, pixels_per_mm = key
        row = height / len(self.strips)
        for index, strip in enumerate(self.strips.values()):
            area = QRectF(_MARGIN_X, index * row + _MARGIN_Y, width - 2 * _MARGIN_X, row - 2 * _MARGIN_Y)
            strip.place(area, pixels_per_mm, ratio)
        self._label_rects = {waveform: self._label_rect(waveform) for waveform in self.strips}
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        self._place()
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(palette.PANEL))
        if self.sweeping():
            now = self._now if self._now is not None else self._clock()
            for strip in self.strips.values():
                strip.paint(painter, now)  # clipped to what changed by the paint event's region
        for waveform in self.strips:
            if event.rect().intersects(self._label_rects[waveform]):
                self._paint_label(painter, waveform)  # over the trace, as on a monitor
        painter.end()

    def _label_rect(self, waveform: Waveform) -> QRect:
        """Where the strip's label goes, wide enough for any of its notices."""
        metrics = QFontMetrics(self._font)
        widest = max(metrics.horizontalAdvance(text) for text in (SPEED, *NOTICES[waveform].values()))
        width = metrics.horizontalAdvance(f"{waveform.label}  ") + widest
        top_left = self.strips[waveform].strip.topLeft().toPoint()
        return QRect(top_left.x() + 4, top_left.y(), width + 2, metrics.height() + 2)

    def _paint_label(self, painter: QPainter, waveform: Waveform) -> None:
        """The label on a patch of the panel's colour: legible where the trace runs under it."""
        rect, metrics = self._label_rects[waveform], QFontMetrics(self._font)
        name, notice = f"{waveform.label}  ", self._notices[waveform]
        name_width = metrics.horizontalAdvance(name)
        painter.fillRect(rect.adjusted(-2, 0, name_width + metrics.horizontalAdvance(notice)
                                       - rect.width() + 2, 0), QColor(palette.PANEL))
        painter.setFont(self._font)
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.setPen(QColor(palette.WAVEFORM_COLOURS[waveform]))
        painter.drawText(rect, align, name)
        painter.setPen(QColor(palette.TEXT_DIM))
        painter.drawText(rect.adjusted(name_width, 0, 0, 0), align, notice)
