"""Closing the station while writes are pending: a warning that says how many, where they are
kept, and that the next start delivers them; the window closes only on "Close anyway"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QWidget

TITLE = "Writes not saved yet"


class PendingWritesOnClose:
    """A guard for the window's closeEvent; `holds(event)` is True while it keeps it open."""

    def __init__(self, window: QWidget, pending: Callable[[], int], location: Path) -> None:
        self._window = window
        self._pending = pending
        self.location = location
        self._confirmed = False
        self.warning: QMessageBox | None = None
        self.kept: Callable[[], None] = lambda: None  # told when the answer is "keep open"

    def reset(self) -> None:
        """Forget a "Close anyway" whose close did not happen (another question kept the
        window open): the next close asks again."""
        self._confirmed = False

    def holds(self, event: QCloseEvent) -> bool:
        """With writes pending and no "Close anyway" yet: ignore the close and warn (once)."""
        count = self._pending()
        if self._confirmed or count == 0:
            return False
        event.ignore()
        if self.warning is None:
            self.warning = self._warn(count)
        return True

    def _warn(self, count: int) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE,
                          f"{count} write(s) have not reached their store yet.",
                          parent=self._window)
        box.setInformativeText(
            f"They are kept at this station in {self.location} and delivered when the station "
            "next starts and their store answers. Writes refused by their store stay there "
            "until someone applies them again or discards them (Pending writes).")
        self.close_button = box.addButton("Close anyway", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep the station open", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # a stray Enter keeps the station running
        box.finished.connect(lambda _result: self._answered(box))
        box.open()  # never exec(): a nested loop would stall asyncio
        return box

    def _answered(self, box: QMessageBox) -> None:
        self.warning = None
        box.deleteLater()
        if box.clickedButton() is self.close_button:
            self._confirmed = True
            self._window.close()
        else:
            self.kept()
