"""A trainer's switch in the cluster view, under the store's consistency line it changes: a
button per choice, the one the store uses now checked. A click only asks for a choice: the
station applies it (on its own lab only), and the button follows what the store then says it
uses, never the click itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QRect, Signal, Slot
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from stores.model import TeachingSetting

SPACING = 2  # between the buttons, and between their rows
_STYLE = ("QPushButton { padding: 0px 6px; }"
          " QPushButton:checked { background-color: #2f6f9f; border-color: #3ec9f0; }")


class SettingSwitch(QWidget):
    """One store's setting; `chosen(store, key, value)` when a trainer clicks a choice. Its
    buttons go side by side, on as many rows as its width needs (a column narrowed by a
    drill's panel): never cut."""

    chosen = Signal(str, str, str)

    def __init__(self, setting: TeachingSetting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingSwitch")
        self.setStyleSheet(_STYLE)
        self.setting = setting
        self._group = QButtonGroup(self, exclusive=True)
        self.buttons: dict[str, QPushButton] = {}
        self._text_px: int | None = None
        for choice in setting.choices:
            button = QPushButton(choice, self, checkable=True, objectName="SettingChoice")
            button.setToolTip(setting.about)
            button.clicked.connect(lambda _checked, choice=choice: self._clicked(choice))
            self._group.addButton(button)
            self.buttons[choice] = button
        self.show_setting(setting)

    @Slot(object)
    def show_setting(self, setting: TeachingSetting) -> None:
        """The store's setting as it is now: its value checked (tells nobody)."""
        self.setting = setting
        button = self.buttons.get(setting.value)
        if button is not None:
            button.setChecked(True)

    def set_text_px(self, pixels: int) -> None:
        """The buttons' text size: the view's, which grows with the window. Asked at every
        layout of the view (each paint): the fonts are set only when the size changes."""
        pixels = max(8, pixels)
        if pixels == self._text_px:
            return
        self._text_px = pixels
        font = QFont(self.font())
        font.setPixelSize(pixels)
        for button in self.buttons.values():
            button.setFont(font)

    def rows(self, width: int) -> list[list[QPushButton]]:
        """The buttons by row, as many on each as fit in `width` (at least one)."""
        rows: list[list[QPushButton]] = [[]]
        used = 0
        for button in self.buttons.values():
            wide = button.sizeHint().width()
            if rows[-1] and used + SPACING + wide > width:
                rows.append([])
                used = 0
            used += (SPACING if rows[-1] else 0) + wide
            rows[-1].append(button)
        return rows

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        rows = self.rows(self.width())
        height = max(1, (self.height() - SPACING * (len(rows) - 1)) // len(rows))
        for number, row in enumerate(rows):
            x, y = 0, number * (height + SPACING)
            for button in row:
                wide = min(button.sizeHint().width(), self.width() - x)
                button.setGeometry(x, y, wide, height)
                x += wide + SPACING

    def _clicked(self, choice: str) -> None:
        self.show_setting(self.setting)  # the one in use stays checked until the store says
        self.chosen.emit(self.setting.store, self.setting.key, choice)


class Switches(QObject):
    """The view's switches, one per store's setting, made and dropped as the settings offered
    come and go; `chosen(store, key, value)` from any of them."""

    chosen = Signal(str, str, str)

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self._view = view
        self.shown: dict[tuple[str, str], SettingSwitch] = {}  # (store, key) -> its switch

    def show_settings(self, settings: Sequence[TeachingSetting]) -> None:
        wanted = {(setting.store, setting.key): setting for setting in settings}
        for key in [key for key in self.shown if key not in wanted]:
            self.shown.pop(key).deleteLater()
        for key, setting in wanted.items():
            switch = self.shown.get(key)
            if switch is not None and switch.setting.choices == setting.choices:
                switch.show_setting(setting)
                continue
            if switch is not None:
                switch.deleteLater()
            switch = self.shown[key] = SettingSwitch(setting, self._view)
            switch.chosen.connect(self.chosen)

    def settings(self) -> list[TeachingSetting]:
        return [switch.setting for switch in self.shown.values()]

    def rows_needed(self, setting: TeachingSetting, width: int, text_px: int) -> int:
        """The rows the switch of `setting` takes in `width` with its text at `text_px`."""
        switch = self.shown.get((setting.store, setting.key))
        if switch is None:
            return 1
        switch.set_text_px(text_px)
        return len(switch.rows(width))

    def place(self, boxes: Mapping[TeachingSetting, QRect], text_px: int) -> None:
        """Each switch whose setting has a box in it, shown there; the others hidden (their
        store is not drawn)."""
        for switch in self.shown.values():
            box = boxes.get(switch.setting)
            switch.setVisible(box is not None)
            if box is not None:
                switch.set_text_px(text_px)
                switch.setGeometry(box)
