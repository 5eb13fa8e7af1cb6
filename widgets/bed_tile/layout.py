"""Where each part of a bed tile goes, from the tile's size alone, so equal tiles look alike."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF

COMPACT_BELOW_PX = 110  # tiles lower than this (32 beds at 1920x1080) keep only HR and SpO2
WIDE_ASPECT = 2.2  # tiles this much wider than high put the numerics beside the ECG strip


@dataclass(frozen=True)
class TileLayout:
    """The rectangles of one tile. `name` is None where the name shares the header row; `others`
    (RR, NIBP, Temp) and `trend` are None where the tile has no room for them."""

    mode: str  # "stacked", "wide" or "compact"
    header: QRectF
    name: QRectF | None
    alarm: QRectF | None
    numerics: QRectF
    strip: QRectF
    others_beside: bool  # RR, NIBP and Temp beside the HR numeric, not under it
    show_others: bool
    trend: QRectF | None


def layout_tile(rect: QRectF, alarm: bool) -> TileLayout:
    """The parts of a tile filling `rect` (its inside, padding already taken off)."""
    if rect.height() < COMPACT_BELOW_PX:
        return _compact(rect, alarm)
    if rect.width() >= rect.height() * WIDE_ASPECT:
        return _wide(rect)
    return _stacked(rect)


def _rows(rect: QRectF, fractions: tuple[float, ...]) -> list[QRectF]:
    rows, top = [], rect.top()
    for fraction in fractions:
        height = rect.height() * fraction
        rows.append(QRectF(rect.left(), top, rect.width(), height))
        top += height
    return rows


def _columns(rect: QRectF, left_fraction: float, gap: float) -> tuple[QRectF, QRectF]:
    split = rect.width() * left_fraction
    left = QRectF(rect.left(), rect.top(), split, rect.height())
    return left, QRectF(rect.left() + split + gap, rect.top(), rect.width() - split - gap, rect.height())


def _stacked(rect: QRectF) -> TileLayout:
    """Header, name, alarm, numerics, then the strip across the whole width (16 beds)."""
    beside = rect.width() >= rect.height() * 0.8
    fractions = (0.11, 0.11, 0.11, 0.37, 0.30) if beside else (0.09, 0.09, 0.09, 0.48, 0.25)
    header, name, alarm, numerics, strip = _rows(rect, fractions)
    return TileLayout("stacked", header, name, alarm, numerics, strip.adjusted(0, 3, 0, 0),
                      beside, True, None)


def _wide(rect: QRectF) -> TileLayout:
    """The strip under the name on the left, numerics and trend on the right (8 beds)."""
    left, right = _columns(rect, 0.55, rect.width() * 0.02)
    header, name, alarm, strip = _rows(left, (0.16, 0.16, 0.16, 0.52))
    numerics, trend = _rows(right, (0.78, 0.22))
    return TileLayout("wide", header, name, alarm, numerics, strip.adjusted(0, 3, 0, 0),
                      True, True, trend.adjusted(0, 3, 0, 0))


def _compact(rect: QRectF, alarm: bool) -> TileLayout:
    """Bed and name on one row over the strip; HR over SpO2 on the right (32 beds). An alarm
    takes a row off the strip only while there is one."""
    left, right = _columns(rect, 0.63, rect.width() * 0.03)
    fractions = (0.25, 0.22, 0.53) if alarm else (0.25, 0.0, 0.75)
    header, alarm_row, strip = _rows(left, fractions)
    return TileLayout("compact", header, None, alarm_row if alarm else None, right,
                      strip.adjusted(0, 2, 0, 0), False, False, None)
