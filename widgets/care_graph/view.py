"""The care graph: a patient's care team and their other patients, drawn as people and links."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QResizeEvent, QTransform
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from stores.model import CareGraph, CareNodeKind
from widgets import palette
from widgets.care_graph.items import CareLinkItem, CareNodeItem, place_labels
from widgets.care_graph.layout import ring_layout
from widgets.care_graph.legend import care_legend

MARGIN = 12.0  # px of scene kept around the drawing
MAX_ZOOM = 1.15  # a three-person team is not blown up to fill the panel
MIN_ZOOM = 0.5  # names stay readable: a larger team scrolls rather than shrinks further
# How much wider apart the rings are drawn, tried in turn until every name finds room: a
# team of twenty has too many names for the closest rings.
SPREADS = (1.0, 1.2, 1.45, 1.75, 2.1, 2.5, 3.0)
BOW = 28.0  # px a link bends away from another link between the same two people


class CareGraphView(QWidget):
    """Draws a `CareGraph`; clicking another patient of the graph asks to show that patient."""

    patient_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.view = _FittedView(self.scene)
        self.view.node_clicked.connect(self._on_node_clicked)
        self.message = QLabel(objectName="Hint", wordWrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._focus_id = ""
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.message)
        self._drawing = _column(care_legend(), self.view)
        self._stack.addWidget(self._drawing)
        self.show_message("Select a bed to see the care team")

    def node_items(self) -> list[CareNodeItem]:
        return [item for item in self.scene.items() if isinstance(item, CareNodeItem)]

    def link_items(self) -> list[CareLinkItem]:
        return [item for item in self.scene.items() if isinstance(item, CareLinkItem)]

    @Slot(str)
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    @Slot(object)
    def show_graph(self, graph: CareGraph) -> None:
        if not graph.nodes:
            self.show_message("No care team recorded")
            return
        self._focus_id = graph.focus_id
        for spread in SPREADS:
            self.scene.clear()
            nodes = self._add_nodes(graph, spread)
            links = self._add_links(graph, nodes)
            if place_labels(list(nodes.values()), links):
                break
        self._stack.setCurrentWidget(self._drawing)
        self.view.fit()

    def _add_nodes(self, graph: CareGraph, spread: float) -> dict[str, CareNodeItem]:
        items = {}
        for node_id, (x, y) in ring_layout(graph, spread).items():
            item = CareNodeItem(graph.node(node_id), focus=node_id == graph.focus_id)
            item.setPos(x, y)
            self.scene.addItem(item)
            items[node_id] = item
        return items

    def _add_links(self, graph: CareGraph, nodes: dict[str, CareNodeItem]) -> list[CareLinkItem]:
        items = []
        between = defaultdict(list)  # links that join the same two people, either way round
        for link in graph.links:
            if link.source_id in nodes and link.target_id in nodes:
                between[frozenset((link.source_id, link.target_id))].append(link)
        for links in between.values():
            for index, link in enumerate(links):
                # Several links between two people fan out. A link's bend is measured from its
                # own direction, so one pointing the other way round bends the other way.
                bow = BOW * (index - (len(links) - 1) / 2)
                if link.source_id > link.target_id:
                    bow = -bow
                item = CareLinkItem(link, nodes[link.source_id], nodes[link.target_id], bow)
                self.scene.addItem(item)
                self.scene.addItem(item.tag)
                items.append(item)
        return items

    def _on_node_clicked(self, item: CareNodeItem) -> None:
        if item.node.kind is CareNodeKind.PATIENT and item.node.id != self._focus_id:
            self.patient_selected.emit(item.node.id)


class _FittedView(QGraphicsView):
    """Shows the whole drawing, scaled to the room it has but never so small that names cannot
    be read (it scrolls then, around the focus patient), and reports which person was clicked."""

    node_clicked = Signal(object)

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setBackgroundBrush(QColor(palette.PANEL))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)  # a scrolled team pans by hand
        self._scroll_bars(False)

    def fit(self) -> None:
        drawing = self.scene().itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setSceneRect(drawing)
        room = self.maximumViewportSize()  # without scroll bars, whether they show or not
        if room.isEmpty():  # not laid out yet: the first resize fits it
            return
        fitting = min(room.width() / drawing.width(), room.height() / drawing.height())
        # Scroll bars only where the drawing does not fit at the smallest zoom; a bar that came
        # and went with the zoom resized the view, and each resize called for the next.
        self._scroll_bars(fitting < MIN_ZOOM)
        zoom = min(max(fitting, MIN_ZOOM), MAX_ZOOM)
        self.setTransform(QTransform.fromScale(zoom, zoom))
        self.centerOn(QPointF(0, 0))  # the focus patient

    def _scroll_bars(self, shown: bool) -> None:
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded if shown else \
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, CareNodeItem):
            item = item.parentItem()
        if item is not None and event.button() == Qt.MouseButton.LeftButton:
            self.node_clicked.emit(item)
        super().mousePressEvent(event)


def _column(top: QWidget, rest: QWidget) -> QWidget:
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(top)
    layout.addWidget(rest, 1)
    return column
