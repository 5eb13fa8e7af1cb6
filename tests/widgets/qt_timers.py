"""A widget's Qt timers in a test: fire them now instead of waiting for them, and see whether
anything is still scheduled, instead of sleeping and then asserting that nothing happened."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget


def fire_every_timer(widget: QWidget) -> None:
    """Every timer of `widget` and its children fires once, running or not, as if its interval
    had passed: what should stay steady must stay so."""
    for timer in widget.findChildren(QTimer):
        timer.timeout.emit()


def pending_single_shots(widget: QWidget) -> list[QTimer]:
    """The single-shot timers of `widget` and its children still to fire (a debounce under
    way, a reload to come): while there are none, nothing is scheduled to happen."""
    return [t for t in widget.findChildren(QTimer) if t.isSingleShot() and t.isActive()]
