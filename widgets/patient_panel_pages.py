"""Building the patient panel's pages: rows, columns, shared parts moved."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget


def row(*widgets: QWidget, stretch_at: int) -> QWidget:
    """The widgets side by side, with the space left over at `stretch_at`."""
    line = QWidget()
    layout = QHBoxLayout(line)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.insertStretch(stretch_at, 1)
    return line


def column(*widgets: QWidget, stretch: bool = True) -> QWidget:
    """The widgets one under the other; with `stretch`, the first takes the height left."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if stretch and index == 0 else 0)
    return column


def move_onto(page: QWidget, top: QWidget, bottom: QWidget) -> None:
    """Put `top` and `bottom`, wherever they are, at the top and bottom of a `column` page."""
    for widget in (top, bottom):
        if widget.parentWidget() is not None:
            widget.parentWidget().layout().removeWidget(widget)
    page.layout().insertWidget(0, top)
    page.layout().addWidget(bottom)
    for widget in (top, bottom):
        widget.show()  # a widget given a new parent is hidden until shown
