"""Drawing of a bed tile with QPainter: cheaper than a tree of labels and a plot for 32 tiles."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from widgets import palette
from widgets.bed_tile_sparkline import paint_sparkline
from widgets.bed_tile_view import Numeric, TileView

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_BOTTOM_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom


def paint_tile(painter: QPainter, rect: QRect, view: TileView, focused: bool) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _paint_frame(painter, QRectF(rect), view, focused)
    pad = max(4.0, rect.height() * 0.03)
    inner = QRectF(rect).adjusted(pad + 2, pad, -pad - 2, -pad)
    wide = inner.width() >= inner.height() * 0.8
    header, name, alarm, numbers, trend = _rows(inner, wide)
    # Text rows are sized by the row height, but never wider than a narrow tile allows.
    text_px = min(name.height() * 0.75, inner.width() * 0.11)
    _paint_header(painter, header, view, text_px)
    name_colour = palette.TEXT if view.occupied else palette.TEXT_DIM
    _text(painter, name, view.patient, text_px, name_colour, _LEFT)
    if view.alarm is not None:
        _paint_alarm_strip(painter, alarm, view, text_px)
    if view.numerics:
        _paint_numerics(painter, numbers, view, wide)
        _paint_trend(painter, trend, view)


def _rows(inner: QRectF, wide: bool) -> tuple[QRectF, ...]:
    """Header, name, alarm, numerics and trend rows; narrow tiles give the numerics more room."""
    fractions = (0.11, 0.11, 0.11, 0.45, 0.22) if wide else (0.1, 0.1, 0.1, 0.52, 0.18)
    rows, top = [], inner.top()
    for fraction in fractions:
        height = inner.height() * fraction
        rows.append(QRectF(inner.left(), top, inner.width(), height))
        top += height
    return tuple(rows)


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


def _paint_numerics(painter: QPainter, rect: QRectF, view: TileView, wide: bool) -> None:
    heart, others = view.numerics[0], view.numerics[1:]
    if wide:
        hr_rect = QRectF(rect.left(), rect.top(), rect.width() * 0.34, rect.height())
        rows_rect = rect.adjusted(rect.width() * 0.36, 0, 0, 0)
    else:
        hr_rect = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.36)
        rows_rect = rect.adjusted(0, rect.height() * 0.38, 0, 0)
    stale = bool(view.stale)
    _paint_heart_rate(painter, hr_rect, heart, stale)
    row_height = rows_rect.height() / len(others)
    for index, numeric in enumerate(others):
        row = QRectF(rows_rect.left(), rows_rect.top() + index * row_height, rows_rect.width(), row_height)
        _paint_numeric_row(painter, row, numeric, stale)


def _colour(numeric: Numeric, stale: bool) -> str:
    return palette.STALE if stale else palette.VITAL_COLOURS[numeric.vital.value]


def _paint_heart_rate(painter: QPainter, rect: QRectF, numeric: Numeric, stale: bool) -> None:
    colour = _colour(numeric, stale)
    label_rect = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.22)
    _text(painter, label_rect, numeric.label, label_rect.height() * 0.9, colour, _LEFT, bold=True)
    value_rect = rect.adjusted(0, label_rect.height(), 0, 0)
    unit_font = _font(painter, value_rect.height() * 0.22)
    unit_width = QFontMetricsF(unit_font).horizontalAdvance(" " + numeric.unit)
    big = _fitted(painter, numeric.value, value_rect.height() * 0.85, value_rect.width() - unit_width, True)
    big.setStrikeOut(_struck(numeric, stale))
    number_width = QFontMetricsF(big).horizontalAdvance(numeric.value)
    _draw(painter, value_rect, numeric.value, big, colour, _LEFT)
    unit_rect = value_rect.adjusted(number_width, 0, 0, -value_rect.height() * 0.12)
    _draw(painter, unit_rect, " " + numeric.unit, unit_font, colour, _BOTTOM_LEFT)


def _paint_numeric_row(painter: QPainter, rect: QRectF, numeric: Numeric, stale: bool) -> None:
    colour = _colour(numeric, stale)
    small = _font(painter, rect.height() * 0.5)
    label_width = QFontMetricsF(small).horizontalAdvance(numeric.label + "  ")
    unit_width = QFontMetricsF(small).horizontalAdvance(" " + numeric.unit)
    _draw(painter, rect, numeric.label, small, colour, _LEFT)
    _draw(painter, rect, " " + numeric.unit, small, colour, _RIGHT)
    value_width = rect.width() - label_width - unit_width
    value_font = _fitted(painter, numeric.value, rect.height() * 0.72, value_width, True)
    value_font.setStrikeOut(_struck(numeric, stale))
    _draw(painter, rect.adjusted(0, 0, -unit_width, 0), numeric.value, value_font, colour, _RIGHT)


def _struck(numeric: Numeric, stale: bool) -> bool:
    """Old values are struck through; a dash for "not measured" stays legible."""
    return stale and any(ch.isdigit() for ch in numeric.value)


def _paint_trend(painter: QPainter, rect: QRectF, view: TileView) -> None:
    area = rect.adjusted(0, rect.height() * 0.1, 0, 0)
    if view.stale:
        painter.fillRect(area, QColor(palette.STALE))
        font = _fitted(painter, view.stale, area.height() * 0.5, area.width() - 8, True)
        _draw(painter, area, view.stale, font, palette.BACKGROUND, _CENTER)
        return
    paint_sparkline(painter, area, view.trend, QColor(palette.VITAL_COLOURS["heart_rate"]))


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
