"""A quiet scroll area: a panel made smaller than its content scrolls rather than cut it off."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolled(content: QWidget) -> QScrollArea:
    """`content` in a scroll area that draws nothing of its own, for a panel made small."""
    area = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
    area.setWidget(content)
    area.viewport().setAutoFillBackground(False)  # the panel's colour shows through
    area.setCornerWidget(QWidget())  # else the corner between two scroll bars is painted white
    content.setAutoFillBackground(False)
    return area
