"""The cluster view, painted: this station at the top, an arrow to each store, each store's nodes
in a column with their role, what the server reports of them and their state in words and
colour, along the bottom the timeline of what changed, and on the right, while a drill runs on
the lab and after it, the drill's panel (counters, verdict). Sized for a projector: the text
scales with the view."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from stores.model import HealthState, StoreHealth, TeachingSetting
from widgets import palette
from widgets.cluster_view.drill import DrillNote, DrillRun, follow
from widgets.cluster_view.drill_panel import DRILL, paint_drill, verdict_rect
from widgets.cluster_view.ink import Ink
from widgets.cluster_view.picture import (
    LabStates,
    NodeBox,
    Row,
    StoreGroup,
    header_rows,
    picture,
    state_word,
)
from widgets.cluster_view.switches import Switches
from widgets.cluster_view.timeline import Change, Timeline

STATE_COLOURS = {"up": palette.UP, "down": palette.DOWN, "frozen": palette.DEGRADED,
                 "starting": palette.TEXT_DIM, "link cut": palette.DOWN}
GROUP_COLOURS = {HealthState.UP: palette.UP, HealthState.DEGRADED: palette.DEGRADED,
                 HealthState.DOWN: palette.DOWN}
MARGIN, GAP = 12.0, 10.0
TIMELINE_LINES = 9  # a title, the incident's figures, seven changes
DRILL_WIDTH = 27.0  # the drill's panel, in units (and at least a quarter of the view)
ORIGINS = {"drill": ("DRILL", DRILL), "server": ("SERVER", palette.TEXT_DIM), "station": ("", "")}
# a header row's height, in text units: a consistency line, a trainer's switch under it
ROW_UNITS = {"said": 1.25, "switch": 1.8}
SWITCH_ROW = 1.55  # each further row of a switch's buttons, in a narrow column
SWITCH_TEXT = 0.78  # a switch's text, as the consistency lines above it
NOTE_LINES = 3  # a note under the switches, wrapped: why reads fail names the level and replicas
NOTE_SIZE = 0.78  # as the consistency lines


class ClusterView(QWidget):
    """Call `show_health` with every store's health (and, on a lab, its processes' states);
    `show_switches` with the settings a trainer may switch, whose clicks come out as
    `setting_requested(store, key, value)`."""

    setting_requested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.switches = Switches(self)
        self.switches.chosen.connect(self.setting_requested)
        # store -> what went wrong lately, said under its switches ("reads fail" -> why)
        self._notes: dict[str, dict[str, str]] = {}
        self._clock = clock
        self.timeline = Timeline()
        self.setObjectName("ClusterView")
        self.setMinimumSize(600, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.groups: list[StoreGroup] = []
        self.drill: DrillRun | None = None  # the lab's latest drill run, once one is seen
        self._station = "This station"
        self._waiting = "Asking every store for its nodes..."
        # room (in text units) kept free at the right of a lab node's address, for the button
        # of its actions (widgets/cluster_view/actions.py); none without them
        self.lab_button_width = 0.0

    def set_station(self, text: str) -> None:
        self._station = text
        self.update()

    def show_health(self, healths: Sequence[StoreHealth], lab: LabStates | None = None) -> None:
        self.groups = picture(healths, lab)
        self.timeline.observe(self.groups, self._clock())
        self.timeline.hear(healths)
        self._place_switches()
        self.update()

    def show_drill_events(self, events: Iterable[DrillNote]) -> None:
        """A drill's new events (read from its file on the lab): its panel and the timeline. A
        new run replaces the last one's panel."""
        events = list(events)
        for event in events:
            self.drill = follow(self.drill, event)
        self.timeline.note_drill(events)
        self.update()

    def note_station(self, text: str, bad: bool) -> None:
        """Something this station went through (its alarm channel lost, its outbox drained)."""
        self.timeline.note_station(self._clock(), text, bad)
        self.update()

    def show_switches(self, settings: Sequence[TeachingSetting]) -> None:
        """The settings a trainer may switch now, as the stores use them (none: no switch)."""
        self.switches.show_settings(settings)
        self._place_switches()
        self.update()

    def show_reads_failing(self, store: str, reason: str) -> None:
        """Why `store`'s reads fail now ("" once they answer again): said under its switches,
        so that a class sees what a stronger read level costs with a node down."""
        self._note(store, "reads fail", reason)

    def show_switch_refused(self, store: str, why: str) -> None:
        """Why the station did not switch `store`'s setting ("" once one is switched)."""
        self._note(store, "not switched", why)

    def notes(self, store: str) -> dict[str, str]:
        """What is said under `store`'s switches now, by what it is about."""
        return {what: text for what, text in self._notes.get(store, {}).items() if text}

    def _note(self, store: str, what: str, text: str) -> None:
        self._notes.setdefault(store, {})[what] = text
        self._place_switches()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._place_switches()

    # -- geometry (also what the tests check) --------------------------------------------

    def unit(self) -> float:
        """The text size in pixels: readable from the back of a room on a projector."""
        return max(10.0, min(self.width() / 110.0, self.height() / 52.0))

    def drill_rect(self) -> QRectF | None:
        """On the right, the whole height: the drill's panel (None before any drill)."""
        if self.drill is None:
            return None
        width = min(max(DRILL_WIDTH * self.unit(), 0.25 * self.width()), 0.4 * self.width())
        return QRectF(self.width() - MARGIN - width, MARGIN, width,
                      self.height() - 2 * MARGIN)

    def verdict_rect(self) -> QRectF | None:
        """Where the drill's verdict goes (or that the drill stopped answering)."""
        drill = self.drill_rect()
        return None if drill is None else verdict_rect(drill, self.unit())

    def _left(self) -> float:
        """The width left of the drill's panel, margins and all."""
        drill = self.drill_rect()
        return self.width() if drill is None else drill.left() - GAP + MARGIN

    def station_rect(self) -> QRectF:
        u = self.unit()
        width = min(self._left() - 2 * MARGIN, 34 * u)
        return QRectF((self._left() - width) / 2, MARGIN, width, 2.6 * u)

    def column_rects(self) -> list[QRectF]:
        count = max(1, len(self.groups))
        top = self.station_rect().bottom() + 2.4 * self.unit()
        width = (self._left() - 2 * MARGIN - (count - 1) * GAP) / count
        bottom = self.timeline_rect().top() - GAP
        return [QRectF(MARGIN + i * (width + GAP), top, width, bottom - top)
                for i in range(count)]

    def timeline_rect(self) -> QRectF:
        """Along the bottom: a title, the last incident's figures and the latest changes."""
        height = min(TIMELINE_LINES * 1.25 * self.unit(), self.height() * 0.3)
        return QRectF(MARGIN, self.height() - MARGIN - height, self._left() - 2 * MARGIN,
                      height)

    def header_bottom(self, column: QRectF, group: StoreGroup) -> float:
        """Where the column's title, state and consistency lines end."""
        boxes = self.header_boxes(column, group)
        bottom = boxes[-1][1].bottom() if boxes else column.top() + 3.6 * self.unit()
        return bottom - 0.2 * self.unit()

    def header_boxes(self, column: QRectF, group: StoreGroup) -> list[tuple[Row, QRectF]]:
        """Each row under the store's state (`header_rows`) with the box it is drawn in (a
        switch: the box its widget takes)."""
        u, top = self.unit(), column.top() + 3.6 * self.unit()
        boxes = []
        for row in header_rows(group, self.switches.settings(), self._notes.get(group.store)):
            if isinstance(row[1], TeachingSetting):  # its buttons on the rows the column needs
                rows = self.switches.rows_needed(row[1], round(column.width() - u),
                                                 round(SWITCH_TEXT * u))
                height = (ROW_UNITS["switch"] + (rows - 1) * SWITCH_ROW) * u
            elif row[0] in ROW_UNITS:
                height = ROW_UNITS[row[0]] * u
            else:
                height = self._wrapped_height(str(row[1]), column.width())
            boxes.append((row, QRectF(column.left(), top, column.width(), height)))
            top += height
        return boxes

    def node_rects(self, column: QRectF, group: StoreGroup) -> list[QRectF]:
        if not group.nodes:
            return []
        u = self.unit()
        top = self.header_bottom(column, group) + 0.5 * u
        room = column.bottom() - top
        # whole pixels, rounded down: the last box never ends past the column
        height = math.floor(min(4.6 * u, (room - (len(group.nodes) - 1) * 0.4 * u)
                                / len(group.nodes)))
        return [QRectF(column.left(), top + i * (height + 0.4 * u), column.width(), height)
                for i in range(len(group.nodes))]

    def _place_switches(self) -> None:
        """Each switch in its box, indented under the line it changes."""
        u, boxes = self.unit(), {}
        for column, group in zip(self.column_rects(), self.groups):
            for (_, setting), box in self.header_boxes(column, group):
                if isinstance(setting, TeachingSetting):
                    boxes[setting] = box.adjusted(u, 0.1 * u, 0, -0.15 * u).toRect()
        self.switches.place(boxes, round(SWITCH_TEXT * u))

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(palette.PANEL))
        self._paint_station(painter)
        if not self.groups:
            self._text(painter, QRectF(self.rect()), self._waiting, 1.2, palette.TEXT_DIM,
                       Qt.AlignmentFlag.AlignCenter)
        for column, group in zip(self.column_rects(), self.groups):
            self._paint_arrow(painter, column, group)
            self._paint_group(painter, column, group)
        self._paint_timeline(painter)
        drill = self.drill_rect()
        if drill is not None and self.drill is not None:
            paint_drill(Ink(painter, self.unit(), self.font()), drill, self.drill, self._clock())
        painter.end()

    def _paint_timeline(self, painter: QPainter) -> None:
        box, u = self.timeline_rect(), self.unit()
        painter.setPen(QPen(QColor(palette.BORDER), 1))
        painter.drawLine(box.topLeft(), box.topRight())
        step = box.height() / TIMELINE_LINES
        line = QRectF(box.left(), box.top(), box.width(), step)
        incident = self.timeline.incident
        self._text(painter, line, "Timeline", 1.0, palette.TEXT, bold=True)
        if incident is not None:
            tone = palette.UP if incident.whole is not None else palette.DEGRADED
            self._text(painter, line.adjusted(8 * u, 0, 0, 0), incident.said(), 0.95, tone,
                       bold=True)
        changes = list(self.timeline.changes)[-(TIMELINE_LINES - 1):][::-1]  # newest first
        if not changes:
            line.translate(0, step)
            self._text(painter, line, "nothing has changed since the station started", 0.85,
                       palette.TEXT_DIM)
        for change in changes:
            line.translate(0, step)
            self._paint_change(painter, line, change)

    def _paint_change(self, painter: QPainter, line: QRectF, change: Change) -> None:
        """Its time, who said it (the drill, a server; the station's own unmarked), and what."""
        u = self.unit()
        when = time.strftime("%H:%M:%S", time.localtime(change.at))
        taken = self._text(painter, line, when, 0.85, palette.TEXT_DIM)
        tag, colour = ORIGINS.get(change.origin, ("", ""))
        left = line.left() + taken + 1.2 * u
        if tag:
            self._text(painter, QRectF(left, line.top(), 5 * u, line.height()), tag, 0.7,
                       colour, bold=True)
        left += 5 * u  # the station's own too: every line's text starts at one place
        tone = palette.DOWN if change.bad else palette.TEXT
        self._text(painter, QRectF(left, line.top(), line.right() - left, line.height()),
                   change.text, 0.85, tone)

    def _paint_station(self, painter: QPainter) -> None:
        box = self.station_rect()
        painter.setPen(QPen(QColor(palette.TEXT), 2))
        painter.setBrush(QColor(palette.BACKGROUND))
        painter.drawRoundedRect(box, 6, 6)
        self._text(painter, box, self._station, 1.15, palette.TEXT, Qt.AlignmentFlag.AlignCenter,
                   bold=True)

    def _paint_arrow(self, painter: QPainter, column: QRectF, group: StoreGroup) -> None:
        """From this station to the store: solid in the store's colour while it answers,
        dashed red while it does not."""
        start = QPointF(self.station_rect().center().x(), self.station_rect().bottom())
        end = QPointF(column.center().x(), column.top() - 2)
        colour = QColor(GROUP_COLOURS[group.state])
        pen = QPen(colour, 2.5)
        if group.state is HealthState.DOWN:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath(start)
        middle = (start.y() + end.y()) / 2
        path.cubicTo(QPointF(start.x(), middle), QPointF(end.x(), middle), end)
        painter.drawPath(path)
        u = self.unit() * 0.5
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([end, QPointF(end.x() - u, end.y() - u),
                                       QPointF(end.x() + u, end.y() - u)]))

    def _paint_group(self, painter: QPainter, column: QRectF, group: StoreGroup) -> None:
        u = self.unit()
        line = QRectF(column.left(), column.top(), column.width(), 1.3 * u)
        self._text(painter, line, group.title, 1.1, palette.TEXT, bold=True)
        line.translate(0, 1.3 * u)
        self._text(painter, line, group.subtitle, 0.85, palette.TEXT_DIM)
        line.translate(0, 1.05 * u)
        self._text(painter, line, state_word(group), 0.9, GROUP_COLOURS[group.state],
                   bold=True)
        for (kind, said), box in self.header_boxes(column, group):
            if kind == "said":  # a switch is a widget of its own (`_place_switches`)
                self._text(painter, box, str(said), 0.78, palette.TEXT_DIM)
            elif kind == "note":  # wrapped, and made smaller rather than cut
                Ink(painter, u, self.font()).paragraph(
                    box, str(said), NOTE_SIZE, palette.DOWN, bold=True, smallest=0.6,
                    align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for box, node in zip(self.node_rects(column, group), group.nodes):
            self._paint_node(painter, box, node)

    def _paint_node(self, painter: QPainter, box: QRectF, node: NodeBox) -> None:
        u, colour = self.unit(), QColor(STATE_COLOURS[node.state])
        fill = QColor(colour)
        fill.setAlpha(40 if node.state != "up" else 18)
        painter.setPen(QPen(colour, 3.5 if node.current else 1.5))
        painter.setBrush(fill)
        painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), 5, 5)
        inner = box.adjusted(0.5 * u, 0.25 * u, -0.5 * u, -0.25 * u)
        step = inner.height() / 3
        first = QRectF(inner.left(), inner.top(), inner.width(), step)
        taken = self._text(painter, first, node.state.upper(), 0.8, STATE_COLOURS[node.state],
                           Qt.AlignmentFlag.AlignRight, bold=True)
        role = node.role + (f"  ({node.lab_name})" if node.lab_name else "")
        self._text(painter, first.adjusted(0, 0, -taken - 0.5 * u, 0), role, 0.95, palette.TEXT,
                   bold=True)
        # the mark of the node written to goes on the last row, where the detail is short or
        # empty (a master, a standalone server): the first row keeps its room for the name
        last = QRectF(inner.left(), inner.top() + 2 * step, inner.width(), step)
        marked = (self._text(painter, last, "\u25c0 writes here", 0.8, STATE_COLOURS[node.state],
                             Qt.AlignmentFlag.AlignRight, bold=True) + 0.5 * u
                  if node.current else 0.0)
        room = self.lab_button_width * u if node.lab_name else 0.0  # beside the address
        for index, text in enumerate((node.address, node.detail), start=1):
            row = QRectF(inner.left(), inner.top() + index * step,
                         inner.width() - (room if index == 1 else marked), step)
            self._text(painter, row, text, 0.8, palette.TEXT_DIM)

    def _wrapped_height(self, text: str, width: float) -> float:
        """The height of a note wrapped to `width` (NOTE_LINES lines at most)."""
        font = QFont(self.font())
        font.setPixelSize(max(8, round(self.unit() * NOTE_SIZE)))
        font.setBold(True)
        metrics = QFontMetricsF(font)
        wrapped = metrics.boundingRect(QRectF(0, 0, width, 10_000),
                                       int(Qt.TextFlag.TextWordWrap), text).height()
        return min(wrapped, NOTE_LINES * metrics.lineSpacing()) + 0.25 * self.unit()

    def _text(self, painter: QPainter, box: QRectF, text: str, size: float, colour: str,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, *,
              bold: bool = False) -> float:
        """Draw `text` in `box`, cut with an ellipsis if it does not fit; its width drawn."""
        return Ink(painter, self.unit(), self.font()).text(box, text, size, colour, align,
                                                           bold=bold)
