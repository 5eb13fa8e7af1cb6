"""Status-bar indicators of the stores: up, degraded or down, with backend and latency."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from stores.model import HealthState, StoreHealth
from widgets import palette

STATE_COLOURS = {
    HealthState.UP: palette.UP,
    HealthState.DEGRADED: palette.DEGRADED,
    HealthState.DOWN: palette.DOWN,
}
DOT = "\u25cf"


def latency_text(latency_ms: float | None) -> str:
    if latency_ms is None:
        return ""
    return f"{latency_ms:.1f} ms" if latency_ms < 10 else f"{latency_ms:.0f} ms"


def health_text(health: StoreHealth) -> str:
    """ "vitals · embedded · 1.2 ms", "network · neo4j · degraded · 40 ms", "patients · down",
    "alerts · redis · unsigned · 0.4 ms" """
    if health.state is HealthState.DOWN:
        return " \u00b7 ".join([health.store, *health.flags, "down"])
    parts = [health.store, health.backend, *health.flags]
    if health.state is HealthState.DEGRADED:
        parts.append("degraded")
    parts.append(latency_text(health.latency_ms))
    return " \u00b7 ".join(part for part in parts if part)


def health_tooltip(health: StoreHealth) -> str:
    """Why, and which servers: what a trainer or an operator asks next."""
    lines = [f"{health.store}: {health.backend}, {health.state.value}"]
    if health.latency_ms is not None:
        lines.append(f"round trip {latency_text(health.latency_ms)}")
    if health.reason:
        lines.append(health.reason)
    lines += [f"{node.address}  {node.role}  {'up' if node.up else 'DOWN'}" for node in health.nodes]
    return "\n".join(lines)


class StoreIndicator(QWidget):
    """A coloured dot and the store's state in words, so colour is never the only cue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dot = QLabel(DOT, objectName="StoreDot")
        self.label = QLabel("", objectName="StoreLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.label)
        self._colour = ""

    def show_health(self, health: StoreHealth) -> None:
        self.label.setText(health_text(health))
        self.setToolTip(health_tooltip(health))
        colour = STATE_COLOURS[health.state]
        if colour != self._colour:
            self._colour = colour
            self.dot.setStyleSheet(f"color: {colour};")
            down = health.state is HealthState.DOWN
            self.label.setStyleSheet(f"color: {palette.DOWN}; font-weight: bold;" if down else "")


class StoreStatus(QWidget):
    """One indicator per store, in the order given; meant for QStatusBar.addPermanentWidget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StoreStatus")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self.indicators: list[StoreIndicator] = []

    @Slot(list)
    def show_health(self, health: list[StoreHealth]) -> None:
        self._resize_to(len(health))
        for indicator, store in zip(self.indicators, health):
            indicator.show_health(store)

    def _resize_to(self, count: int) -> None:
        while len(self.indicators) < count:
            indicator = StoreIndicator(self)
            self._layout.addWidget(indicator)
            self.indicators.append(indicator)
        while len(self.indicators) > count:
            indicator = self.indicators.pop()
            self._layout.removeWidget(indicator)
            indicator.deleteLater()

    def texts(self) -> list[str]:
        return [indicator.label.text() for indicator in self.indicators]
