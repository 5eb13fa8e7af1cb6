"""The titled frame every panel of the station window sits in, able to say when its data is unavailable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStackedLayout, QVBoxLayout, QWidget


class Panel(QFrame):
    """A title (and optional subtitle) above one content widget.

    When the data behind the content cannot be reached, the content is hidden behind a plain
    "Unavailable: <reason>" message rather than left showing old data as if it were current.
    """

    def __init__(self, title: str, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self.content = content
        self._title = _label(title, "PanelTitle")
        self._subtitle = _label("", "PanelSubtitle")
        self._subtitle.hide()
        self._unavailable = _label("", "PanelUnavailable")
        self._unavailable.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._unavailable.setWordWrap(True)
        self._stack = QStackedLayout()
        self._stack.addWidget(content)
        self._stack.addWidget(self._unavailable)
        self._build_layout()

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self._title)
        header.addWidget(self._subtitle, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addLayout(self._stack, 1)

    def title(self) -> str:
        return self._title.text()

    def subtitle(self) -> str:
        return self._subtitle.text()

    def unavailable_reason(self) -> str | None:
        """Why the content is hidden, or None while it is shown."""
        if self.is_available():
            return None
        return self._unavailable.text().removeprefix("Unavailable: ")

    def is_available(self) -> bool:
        return self._stack.currentWidget() is self.content

    @Slot(str)
    def set_subtitle(self, text: str) -> None:
        self._subtitle.setText(text)
        self._subtitle.setVisible(bool(text))

    @Slot(str)
    def show_unavailable(self, reason: str) -> None:
        self._unavailable.setText(f"Unavailable: {reason}")
        self._stack.setCurrentWidget(self._unavailable)

    @Slot()
    def show_available(self) -> None:
        self._stack.setCurrentWidget(self.content)


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label
