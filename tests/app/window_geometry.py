"""What a window cuts off: a widget outside its parent, a tab out of sight, a chart's plot
outside its view. Scrolled content is exempt: it may be larger than its viewport."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsView, QGraphicsWidget, QTabBar, QWidget


def cut_off(window: QWidget) -> list[str]:
    """Every visible part of `window` that does not lie wholly inside its parent."""
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.isWindow() or widget.geometry().isEmpty():
            continue
        parent = widget.parentWidget()
        if not _scrolled(parent) and not parent.rect().contains(widget.geometry()):
            problems.append(f"{_path(widget)} at {widget.geometry().getRect()} is outside "
                            f"{parent.rect().getRect()}")
        if isinstance(widget, QTabBar):
            problems += [f"{_path(widget)}: tab {widget.tabText(i)!r} is out of sight"
                         for i in range(widget.count())
                         if not widget.rect().contains(widget.tabRect(i))]
        if isinstance(widget, QGraphicsView) and hasattr(widget, "centralWidget"):
            problems += _cut_plots(widget)  # a pyqtgraph chart: plots laid out in its scene
    return problems


def _scrolled(parent: QWidget) -> bool:
    area = parent.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is parent


def _cut_plots(view) -> list[str]:
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    central = view.centralWidget
    problems = []
    if not _inside(central.geometry(), shown):
        problems.append(f"{_path(view)}: its charts at {central.geometry().getRect()} are "
                        f"larger than the view {shown.getRect()}")
    return problems + _cut_items(view, central)


def _cut_items(view, item: QGraphicsWidget) -> list[str]:
    layout = QGraphicsWidget.layout(item)  # pyqtgraph hides the method behind an attribute
    if layout is None:
        return []
    problems = []
    for index in range(layout.count()):
        child = layout.itemAt(index)
        drawn = child.graphicsItem()
        if child.geometry().isEmpty() or (drawn is not None and not drawn.isVisible()):
            continue  # a hidden axis keeps its place in the grid at no size
        if not _inside(child.geometry(), item.rect()):
            problems.append(f"{_path(view)}: {type(child).__name__} at "
                            f"{child.geometry().getRect()} is outside {item.rect().getRect()}")
        if isinstance(child, QGraphicsWidget):
            problems += _cut_items(view, child)
    return problems


def _inside(inner: QRectF, outer: QRectF) -> bool:
    return outer.adjusted(-0.5, -0.5, 0.5, 0.5).contains(inner)  # layouts place at fractions


def _path(widget: QWidget) -> str:
    names = []
    while widget is not None and len(names) < 5:
        names.append(widget.objectName() or type(widget).__name__)
        widget = widget.parentWidget()
    return "/".join(reversed(names))
