"""The key of the care graph: the shape of each role and the line of each kind of link."""

from __future__ import annotations

from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from stores.model import CareLinkKind, CareNodeKind
from widgets.care_graph.items import NODE_COLOURS, link_pen, node_path


def care_legend() -> QWidget:
    """The shapes of the roles, then the lines of the links."""
    roles = [(_role_swatch(kind), kind.value) for kind in CareNodeKind]
    links = [(_link_swatch(kind), kind.label) for kind in CareLinkKind]
    legend = QWidget()
    rows = QVBoxLayout(legend)
    rows.setContentsMargins(0, 0, 0, 0)
    rows.setSpacing(0)
    for keys in (roles, links):
        row = QHBoxLayout()
        row.setSpacing(4)
        for pixmap, text in keys:
            icon = QLabel()
            icon.setPixmap(pixmap)
            row.addWidget(icon)
            row.addWidget(QLabel(text, objectName="Hint"))
            row.addSpacing(10)
        row.addStretch(1)
        rows.addLayout(row)
    return legend


def _role_swatch(kind: CareNodeKind) -> QPixmap:
    pixmap, painter = _swatch()
    painter.fillPath(node_path(kind, 5), QColor(NODE_COLOURS[kind]))
    painter.end()
    return pixmap


def _link_swatch(kind: CareLinkKind) -> QPixmap:
    pixmap, painter = _swatch()
    painter.setPen(link_pen(kind))
    painter.drawLine(QLineF(-9, 0, 9, 0))
    painter.end()
    return pixmap


def _swatch() -> tuple[QPixmap, QPainter]:
    """A small transparent picture, with a painter whose origin is its centre."""
    pixmap = QPixmap(18, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(9, 6)
    return pixmap, painter
