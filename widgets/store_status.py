"""Status-bar indicators of the stores: up, degraded or down, with backend and latency,
INSECURE where the store's URL accepts sending a secret unprotected, and in the tooltip the
Redis cache in front of a store with its hit ratio."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from stores.model import CacheHealth, HealthState, StoreHealth
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


INSECURE = "INSECURE"


def health_text(health: StoreHealth, insecure: bool = False) -> str:
    """ "vitals · embedded · 1.2 ms", "network · neo4j · degraded · 40 ms", "patients · down",
    "alerts · INSECURE · redis · unsigned · 0.4 ms" """
    if health.state is HealthState.DOWN:
        return " \u00b7 ".join([health.store, *([INSECURE] if insecure else []), *health.flags,
                                "down"])
    parts = [health.store, *([INSECURE] if insecure else []), health.backend, *health.flags]
    if health.state is HealthState.DEGRADED:
        parts.append("degraded")
    parts.append(latency_text(health.latency_ms))
    return " \u00b7 ".join(part for part in parts if part)


def health_tooltip(health: StoreHealth, insecure: str | None = None) -> str:
    """Why, and which servers: what a trainer or an operator asks next."""
    lines = [f"{health.store}: {health.backend}, {health.state.value}"]
    if insecure:
        lines.append(insecure)
    if health.latency_ms is not None:
        lines.append(f"round trip {latency_text(health.latency_ms)}")
    if health.reason:
        lines.append(health.reason)
    lines += [f"{node.address}  {node.role}  {'up' if node.up else 'DOWN'}" for node in health.nodes]
    if health.cache is not None:
        lines.append(cache_text(health.cache))
    return "\n".join(lines)


def cache_text(cache: CacheHealth) -> str:
    """ "cache: Redis, 94 % of 1234 reads answered there, entries kept 300 s" """
    if not cache.in_use:
        return f"cache: not in use, reads go to the store ({cache.reason})"
    ratio = cache.hit_ratio
    answered = "no reads yet" if ratio is None else \
        f"{ratio:.0%} of {cache.reads} reads answered there"
    text = f"cache: Redis, {answered}, entries kept {cache.ttl_s:g} s"
    return f"{text}; {cache.reason}" if cache.reason else text


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
        self._colour: tuple[str, bool] | None = None

    def show_health(self, health: StoreHealth, insecure: str | None = None) -> None:
        self.label.setText(health_text(health, bool(insecure)))
        self.setToolTip(health_tooltip(health, insecure))
        colour = STATE_COLOURS[health.state]
        style = (colour, bool(insecure))
        if style != self._colour:
            self._colour = style
            self.dot.setStyleSheet(f"color: {colour};")
            down = health.state is HealthState.DOWN
            warn = palette.DOWN if down else palette.DEGRADED if insecure else None
            self.label.setStyleSheet(f"color: {warn}; font-weight: bold;" if warn else "")


class StoreStatus(QWidget):
    """One indicator per store, in the order given; meant for QStatusBar.addPermanentWidget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StoreStatus")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self.indicators: list[StoreIndicator] = []
        self._insecure: dict[str, str] = {}

    def set_insecure(self, insecure: dict[str, str]) -> None:
        """store -> why it is insecure; those stores say INSECURE, the tooltip says why."""
        self._insecure = dict(insecure)

    @Slot(list)
    def show_health(self, health: list[StoreHealth]) -> None:
        self._resize_to(len(health))
        for indicator, store in zip(self.indicators, health):
            indicator.show_health(store, self._insecure.get(store.store))

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
