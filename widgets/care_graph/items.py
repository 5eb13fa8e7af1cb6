"""The drawn pieces of the care graph: a person (shape by role) and a labelled link with an arrow."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

from stores.model import CareLink, CareLinkKind, CareNode, CareNodeKind
from widgets import palette

# Role colours kept clear of the alarm colours, so that nobody reads a person as an alarm.
NODE_COLOURS = {
    CareNodeKind.PATIENT: "#d9dee4",
    CareNodeKind.DOCTOR: "#4f8ff7",
    CareNodeKind.NURSE: "#a57cf0",
}
# A link takes the colour of the role that holds it, so that unlabelled links still read.
LINK_COLOURS = {
    CareLinkKind.TREATS: "#6f9fe6",
    CareLinkKind.ASSIGNED_NURSE: "#a58ad8",
    CareLinkKind.COVERS_FOR: palette.TEXT_DIM,
    CareLinkKind.ESCALATES_TO: palette.TEXT_DIM,
}
FOCUS_RING = "#3ec9f0"  # the theme's focus colour
NODE_RADIUS = 12.0
FOCUS_RADIUS = 18.0
ARROW = 9.0  # px, length of an arrow head
TITLES = {"Dr", "Prof", "Mr", "Mrs", "Ms"}  # kept whole when a name is shortened


def node_path(kind: CareNodeKind, radius: float) -> QPainterPath:
    """Patients are circles, doctors squares, nurses diamonds: the role reads without colour."""
    path = QPainterPath()
    if kind is CareNodeKind.PATIENT:
        path.addEllipse(QPointF(0, 0), radius, radius)
    elif kind is CareNodeKind.DOCTOR:
        side = radius * 0.85
        path.addRoundedRect(QRectF(-side, -side, 2 * side, 2 * side), 3, 3)
    else:
        corners = [QPointF(0, -radius), QPointF(radius, 0), QPointF(0, radius), QPointF(-radius, 0)]
        path.addPolygon(QPolygonF(corners))
        path.closeSubpath()
    return path


def link_pen(kind: CareLinkKind) -> QPen:
    pen = QPen(QColor(LINK_COLOURS[kind]), 1.4)
    if kind is CareLinkKind.ESCALATES_TO:
        pen.setStyle(Qt.PenStyle.DashLine)  # escalation is a route, not a standing duty
    return pen


class CareNodeItem(QGraphicsPathItem):
    """One person, with their name on a patch of background beside them."""

    def __init__(self, node: CareNode, focus: bool) -> None:
        self.radius = FOCUS_RADIUS if focus else NODE_RADIUS
        super().__init__(node_path(node.kind, self.radius))
        self.node = node
        self.setBrush(QColor(NODE_COLOURS[node.kind]))
        self.setPen(QPen(QColor(FOCUS_RING), 3) if focus else QPen(QColor(palette.BACKGROUND), 1))
        self.setZValue(2)
        self.tag = text_patch(node.label, palette.TEXT, bold=focus)
        self.tag.setParentItem(self)
        self.label = self.tag.childItems()[0]
        self.setToolTip(node.label)
        if node.kind is CareNodeKind.PATIENT and not focus:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(f"Show {node.label}")

    def shorten_name(self) -> None:
        """Initials for all but the last name ("Dr K. Mensah"), for where the full one has no room."""
        words = self.node.label.split()
        title = words[:1] if words and words[0].rstrip(".") in TITLES else []
        given = words[len(title):-1]
        short = " ".join([*title, *(f"{word[0]}." for word in given), *words[-1:]])
        self.label.setText(short)
        self.tag.setRect(self.label.boundingRect().adjusted(-2, 0, 2, 0))

    def label_spots(self) -> list[QPointF]:
        """Where the name may go (its top-left corner): beside, above, below or at a corner of the
        node, the spots facing away from the centre of the graph first."""
        box = self.tag.rect()
        gap = self.radius + 3
        sides = [(1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1)]
        half_width, half_height = box.width() / 2, box.height() / 2
        centres = [QPointF(x * (gap + half_width), y * (gap + half_height)) for x, y in sides]
        outward = _unit(self.pos()) if _length(self.pos()) > 1 else QPointF(0, 1)
        centres.sort(key=lambda c: -QPointF.dotProduct(_unit(c), outward))
        return [centre - box.center() for centre in centres]


class CareLinkItem(QGraphicsPathItem):
    """A link from its clinician to the other end, bowed when two people share several links."""

    def __init__(self, link: CareLink, source: CareNodeItem, target: CareNodeItem, bow: float):
        super().__init__()
        self.link = link
        start, end = source.pos(), target.pos()
        normal = _unit(QPointF(start.y() - end.y(), end.x() - start.x()))
        control = (start + end) / 2 + normal * bow
        start = start + _unit(control - start) * (source.radius + 2)
        tip = end - _unit(end - control) * (target.radius + 3)
        path = QPainterPath(start)
        path.quadTo(control, tip)
        self.setPath(path)
        self.setPen(link_pen(link.kind))
        self.setToolTip(f"{source.node.label} {link.kind.label} {target.node.label}")
        self._add_arrow(tip, _unit(tip - control))
        # Not a child: the names of links must lie above every line, not just above their own.
        self.tag = text_patch(link.kind.label, LINK_COLOURS[link.kind], scale=0.8)
        self.tag.setZValue(1)
        self.label = self.tag.childItems()[0]
        self._outward = _length(target.pos()) >= _length(source.pos())

    def label_spots(self) -> list[QPointF]:
        """Where the link's name may go (its top-left corner), nearer the outer end first."""
        fractions = (0.55, 0.45, 0.65, 0.35, 0.75, 0.25)
        box = self.tag.rect()
        points = [self.path().pointAtPercent(f if self._outward else 1 - f) for f in fractions]
        return [point - box.center() for point in points]

    def _add_arrow(self, tip: QPointF, direction: QPointF) -> None:
        side = QPointF(-direction.y(), direction.x()) * (ARROW * 0.45)
        back = tip - direction * ARROW
        head = QGraphicsPolygonItem(QPolygonF([tip, back + side, back - side]), self)
        head.setBrush(QBrush(self.pen().color()))
        head.setPen(Qt.PenStyle.NoPen)


def text_patch(text: str, colour: str, bold: bool = False, scale: float = 1.0) -> QGraphicsRectItem:
    """Text on a patch of background, readable where it crosses a line."""
    label = QGraphicsSimpleTextItem(text)
    font = QFont(label.font())
    font.setBold(bold)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    label.setBrush(QColor(colour))
    patch = QGraphicsRectItem(label.boundingRect().adjusted(-2, 0, 2, 0))
    patch.setBrush(QColor(palette.PANEL))
    patch.setPen(Qt.PenStyle.NoPen)
    label.setParentItem(patch)
    return patch


def place_labels(nodes: list[CareNodeItem], links: list[CareLinkItem]) -> bool:
    """Give every name a spot clear of people and other names; False if some name found none.

    A person's name is shortened where the full name finds no room, and put at its first
    choice if even that finds none (the caller then spreads the people wider apart). A link's
    name that finds no room is left out, since its colour, dash and tooltip still say what it is.
    """
    taken = [node.sceneBoundingRect() for node in nodes]
    every_name_placed = True
    for item in [*nodes, *links]:
        spot = _free_spot(item, taken)
        if spot is None and isinstance(item, CareNodeItem):
            item.shorten_name()
            spot = _free_spot(item, taken)
            every_name_placed = every_name_placed and spot is not None
        item.tag.setVisible(spot is not None or isinstance(item, CareNodeItem))
        if spot is None:
            spot = item.label_spots()[0]
        _put(item.tag, item, spot)
        if item.tag.isVisible():
            taken.append(item.tag.sceneBoundingRect())
    return every_name_placed


def _free_spot(item: CareNodeItem | CareLinkItem, taken: list[QRectF]) -> QPointF | None:
    for spot in item.label_spots():
        _put(item.tag, item, spot)
        box = item.tag.sceneBoundingRect()
        if not any(box.intersects(other) for other in taken):
            return spot
    return None


def _put(tag: QGraphicsItem, owner: QGraphicsItem, spot: QPointF) -> None:
    # A node's tag is its child (spots are relative to it); a link's tag is in the scene.
    tag.setPos(spot if tag.parentItem() is owner else owner.mapToScene(spot))


def _length(vector: QPointF) -> float:
    return math.hypot(vector.x(), vector.y())


def _unit(vector: QPointF) -> QPointF:
    length = _length(vector)
    return vector / length if length else QPointF(0, 0)
