"""Drawing of a bed tile with QPainter (all but the ECG trace): cheaper than labels and plots for 32 tiles."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from widgets import palette
from widgets.bed_tile.layout import TileLayout, layout_tile
from widgets.bed_tile.sparkline import paint_sparkline
from widgets.bed_tile.view import SIMULATED, Numeric, TileView

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_BOTTOM_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom


def paint_tile(painter: QPainter, rect: QRect, view: TileView, focused: bool) -> TileLayout:
    """Everything but the ECG trace (the tile draws that over this, column by column)."""
    parts = paint_base(painter, rect, view, focused)
    paint_numbers(painter, parts, view)
    return parts


def paint_base(painter: QPainter, rect: QRect, view: TileView, focused: bool) -> TileLayout:
    """All but the trace and what each new sample changes (`paint_numbers` draws that over it)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _paint_frame(painter, QRectF(rect), view, focused)
    parts = layout_tile(inner_rect(rect), view.alarm is not None)
    # Text rows are sized by the row height, but never wider than a narrow tile allows.
    row = parts.name or parts.header
    text_px = min(row.height() * 0.75, parts.header.width() * 0.11)
    if parts.name is None:
        _paint_header_with_name(painter, parts.header, view, text_px)
    else:
        _paint_header(painter, parts.header, view, text_px)
        name_colour = palette.TEXT if view.occupied else palette.TEXT_DIM
        name_rect = _paint_simulated(painter, parts.name, view, text_px)
        _text(painter, name_rect, view.patient, text_px, name_colour, _LEFT)
    if parts.alarm is not None and view.alarm is not None:
        _paint_alarm_strip(painter, parts.alarm, view, min(text_px, parts.alarm.height() * 0.8))
    if view.numerics:
        _paint_strip(painter, parts.strip, view)
    return parts


def paint_numbers(painter: QPainter, parts: TileLayout, view: TileView) -> None:
    """The numerics and the HR trend line, inside `numbers_area(parts)`: what a new sample changes."""
    if not view.numerics:
        return
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _paint_numerics(painter, parts, view)
    if parts.trend is not None and not view.stale:
        paint_sparkline(painter, parts.trend, view.trend, QColor(palette.VITAL_COLOURS["heart_rate"]))


def numbers_area(parts: TileLayout) -> QRect:
    """The whole pixels `paint_numbers` draws in (the numerics, and the trend line where shown)."""
    area = parts.numerics if parts.trend is None else parts.numerics.united(parts.trend)
    # the trend line's antialiased pen reaches a pixel past its rectangle
    return area.toAlignedRect().adjusted(-2, -2, 2, 2)


def inner_rect(rect: QRect) -> QRectF:
    pad = max(3.0, min(rect.height() * 0.03, 6.0))
    return QRectF(rect).adjusted(pad + 2, pad, -pad - 2, -pad)


def _paint_header_with_name(painter: QPainter, rect: QRectF, view: TileView, text_px: float) -> None:
    """Compact tiles: "Bed 7  Jane Doe" on one row."""
    bed_font = _font(painter, text_px * 1.05, bold=True)
    bed_width = QFontMetricsF(bed_font).horizontalAdvance(view.bed + "  ")
    _draw(painter, rect, view.bed, bed_font, palette.TEXT, _LEFT)
    name_colour = palette.TEXT if view.occupied else palette.TEXT_DIM
    name_rect = _paint_simulated(painter, rect.adjusted(bed_width, 0, 0, 0), view, text_px)
    _text(painter, name_rect, view.patient, text_px, name_colour, _LEFT)


def _paint_simulated(painter: QPainter, rect: QRectF, view: TileView, text_px: float) -> QRectF:
    """The SIMULATED mark at the right of the row, on violet; returns what is left of the row
    for the name (which is elided rather than ever drawn under the mark)."""
    if not view.simulated:
        return rect
    font = _fitted(painter, SIMULATED, text_px * 0.72, rect.width() * 0.5, True)
    width = QFontMetricsF(font).horizontalAdvance(SIMULATED) + 6
    badge = QRectF(rect.right() - width, rect.top() + 1, width, rect.height() - 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(palette.SIMULATED))
    painter.drawRoundedRect(badge, 3, 3)
    _draw(painter, badge, SIMULATED, font, palette.SIMULATED_TEXT, _CENTER)
    return rect.adjusted(0, 0, -width - 4, 0)


def _paint_strip(painter: QPainter, rect: QRectF, view: TileView) -> None:
    """The ECG strip's still parts: the lead's name, or the stale marker, or why no trace."""
    if view.stale:
        painter.fillRect(rect, QColor(palette.STALE))
        font = _fitted(painter, view.stale, rect.height() * 0.5, rect.width() - 8, True)
        _draw(painter, rect, view.stale, font, palette.BACKGROUND, _CENTER)
        return
    label_px = max(8.0, min(rect.height() * 0.22, 13.0))
    if view.ecg:
        font = _fitted(painter, view.ecg, rect.height() * 0.4, rect.width() - 8, True)
        _draw(painter, rect, view.ecg, font, palette.TEXT_DIM, _CENTER)
        return
    label = QRectF(rect.left(), rect.top(), rect.width(), label_px * 1.3)
    _text(painter, label, "II", label_px, palette.TEXT_DIM, _LEFT)


def _paint_header(painter: QPainter, rect: QRectF, view: TileView, text_px: float) -> None:
    """Bed label on the left; age and sex in what room is left on the right."""
    bed_font = _font(painter, text_px * 1.05, bold=True)
    bed_width = QFontMetricsF(bed_font).horizontalAdvance(view.bed + "  ")
    _draw(painter, rect, view.bed, bed_font, palette.TEXT, _LEFT)
    details_rect = rect.adjusted(bed_width, 0, 0, 0)
    _text(painter, details_rect, view.details, text_px * 0.8, palette.TEXT_DIM, _RIGHT)


def _paint_frame(painter: QPainter, rect: QRectF, view: TileView, focused: bool) -> None:
    background, border, width = QColor(palette.PANEL), QColor(palette.BORDER), 1.0
    if view.alarm is not None:
        border, width = QColor(palette.ALARM_COLOURS[view.alarm]), 4.0
        background = _blend(border, background, 0.16)
    painter.fillRect(rect, background)
    _outline(painter, rect, border, width, Qt.PenStyle.SolidLine)
    inside = rect.adjusted(width, width, -width, -width)
    if view.selected:
        _outline(painter, inside, QColor(palette.TEXT), 2.0, Qt.PenStyle.SolidLine)
    elif focused:
        _outline(painter, inside, QColor(palette.TEXT_DIM), 1.0, Qt.PenStyle.DotLine)


def _outline(painter: QPainter, rect: QRectF, colour: QColor, width: float, style) -> None:
    painter.setPen(QPen(colour, width, style))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    half = width / 2
    painter.drawRect(rect.adjusted(half, half, -half, -half))


def _blend(top: QColor, bottom: QColor, amount: float) -> QColor:
    channels = zip(top.getRgb()[:3], bottom.getRgb()[:3])
    return QColor(*(round(a * amount + b * (1 - amount)) for a, b in channels))


def _paint_alarm_strip(painter: QPainter, rect: QRectF, view: TileView, text_px: float) -> None:
    painter.fillRect(rect, QColor(palette.ALARM_COLOURS[view.alarm]))
    text_rect = rect.adjusted(4, 0, -4, 0)
    colour = palette.ALARM_TEXT_COLOURS[view.alarm]
    _text(painter, text_rect, view.alarm_text, text_px * 0.95, colour, _LEFT, bold=True)


def _paint_numerics(painter: QPainter, parts: TileLayout, view: TileView) -> None:
    rect, heart, others = parts.numerics, view.numerics[0], view.numerics[1:]
    stale = bool(view.stale)
    if not parts.show_others:  # compact: HR over SpO2, the same on every tile of the grid
        (hr_rect, rows_rect), others = _split(rect, 0.66, 0.0), others[:1]
    elif parts.others_beside:
        hr_rect = QRectF(rect.left(), rect.top(), rect.width() * 0.34, rect.height())
        rows_rect = rect.adjusted(rect.width() * 0.36, 0, 0, 0)
    else:
        hr_rect, rows_rect = _split(rect, 0.36, 0.02)
    _paint_heart_rate(painter, hr_rect, heart, stale)
    row_height = rows_rect.height() / len(others)
    for index, numeric in enumerate(others):
        row = QRectF(rows_rect.left(), rows_rect.top() + index * row_height, rows_rect.width(), row_height)
        _paint_numeric_row(painter, row, numeric, stale)


def _split(rect: QRectF, fraction: float, gap: float) -> tuple[QRectF, QRectF]:
    """`rect` cut across: the top `fraction` of it, and what lies below after a `gap`."""
    top = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * fraction)
    return top, rect.adjusted(0, rect.height() * (fraction + gap), 0, 0)


def _colour(numeric: Numeric, stale: bool) -> str:
    return palette.STALE if stale else palette.VITAL_COLOURS[numeric.vital.value]


def _paint_heart_rate(painter: QPainter, rect: QRectF, numeric: Numeric, stale: bool) -> None:
    colour = _colour(numeric, stale)
    label_rect = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.22)
    _text(painter, label_rect, numeric.label, min(label_rect.height() * 0.9, rect.width() * 0.3),
          colour, _LEFT, bold=True)
    value_rect = rect.adjusted(0, label_rect.height(), 0, 0)
    unit_font = _font(painter, min(value_rect.height() * 0.22, rect.width() * 0.16))
    if value_rect.height() > value_rect.width() * 0.8:  # a tall narrow box: the unit goes under
        unit_rect = value_rect.adjusted(0, value_rect.height() * 0.75, 0, 0)
        value_rect.setBottom(unit_rect.top())
        _draw(painter, unit_rect, numeric.unit, unit_font, colour, _LEFT)
        unit_width = 0.0
    else:
        unit_width = QFontMetricsF(unit_font).horizontalAdvance(" " + numeric.unit)
    big = _fitted(painter, numeric.value, value_rect.height() * 0.85, value_rect.width() - unit_width, True)
    big.setStrikeOut(_struck(numeric, stale))
    number_width = QFontMetricsF(big).horizontalAdvance(numeric.value)
    _draw(painter, value_rect, numeric.value, big, colour, _LEFT)
    if unit_width:
        unit_rect = value_rect.adjusted(number_width, 0, 0, -value_rect.height() * 0.12)
        _draw(painter, unit_rect, " " + numeric.unit, unit_font, colour, _BOTTOM_LEFT)


@dataclass(frozen=True)
class RowLayout:
    """How a numeric row shares its width: the value's font, and which of label and unit fit."""

    small: QFont  # the label's and the unit's
    value: QFont
    label: bool
    unit: bool
    label_width: float
    unit_width: float


def numeric_row_layout(painter: QPainter, rect: QRectF, numeric: Numeric) -> RowLayout:
    """The value is never cut nor drawn over the label: where it does not fit beside them even
    at its smallest, the label gives way, then the unit (the colour still says which it is)."""
    # label and unit stay small in a narrow row, so that the value gets the room
    small = _font(painter, min(rect.height() * 0.5, max(rect.width() * 0.07, 9.0)))
    label_width = QFontMetricsF(small).horizontalAdvance(numeric.label + "  ")
    unit_width = QFontMetricsF(small).horizontalAdvance(" " + numeric.unit)
    for label, unit in ((True, True), (False, True), (False, False)):
        room = rect.width() - label_width * label - unit_width * unit
        value_font = _fitted(painter, numeric.value, rect.height() * 0.72, room, True)
        if QFontMetricsF(value_font).horizontalAdvance(numeric.value) <= room:
            break
    return RowLayout(small, value_font, label, unit, label_width, unit_width)


def _paint_numeric_row(painter: QPainter, rect: QRectF, numeric: Numeric, stale: bool) -> None:
    colour = _colour(numeric, stale)
    row = numeric_row_layout(painter, rect, numeric)
    if row.label:
        _draw(painter, rect, numeric.label, row.small, colour, _LEFT)
    if row.unit:
        _draw(painter, rect, " " + numeric.unit, row.small, colour, _RIGHT)
    row.value.setStrikeOut(_struck(numeric, stale))
    _draw(painter, rect.adjusted(0, 0, -row.unit_width * row.unit, 0), numeric.value, row.value,
          colour, _RIGHT)


def _struck(numeric: Numeric, stale: bool) -> bool:
    """Old values are struck through; a dash for "not measured" stays legible."""
    return stale and any(ch.isdigit() for ch in numeric.value)


def _font(painter: QPainter, pixels: float, bold: bool = False) -> QFont:
    font = QFont(painter.font())
    font.setPixelSize(max(7, int(pixels)))
    font.setBold(bold)
    font.setStrikeOut(False)
    return font


def _fitted(painter: QPainter, text: str, pixels: float, width: float, bold: bool) -> QFont:
    """The largest font up to `pixels` in which `text` fits `width`."""
    font = _font(painter, pixels, bold)
    advance = QFontMetricsF(font).horizontalAdvance(text)
    if advance > width > 0:
        font.setPixelSize(max(7, int(font.pixelSize() * width / advance)))
    return font


def _text(painter, rect: QRectF, text: str, pixels: float, colour: str, align, bold=False) -> None:
    font = _font(painter, pixels, bold)
    elided = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    _draw(painter, rect, elided, font, colour, align)


def _draw(painter: QPainter, rect: QRectF, text: str, font: QFont, colour: str, align) -> None:
    painter.setFont(font)
    painter.setPen(QColor(colour))
    painter.drawText(rect, int(align), text)
