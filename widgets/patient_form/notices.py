"""What is said above a patient record: the message line, and the bar holding unsaved edits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from widgets import palette

# Errors take the theme's #Error colour; the theme has no colour for a save that worked, nor for
# a change kept in the outbox (amber and framed: not saved yet, and it must not look saved).
STYLE = (
    f"QLabel#Saved {{ color: {palette.UP}; }} QLabel#Error, QLabel#Saved {{ font-weight: bold; }}"
    f" QLabel#Queued {{ color: {palette.DEGRADED}; font-weight: bold;"
    f" border: 1px solid {palette.DEGRADED}; border-radius: 3px; padding: 3px 6px; }}"
    f" QFrame#UnsavedBar {{ border: 1px solid {palette.DEGRADED}; border-radius: 3px; }}"
    f" QFrame#UnsavedBar QLabel {{ color: {palette.DEGRADED}; font-weight: bold; }}"
)


QUEUED = ("Queued, NOT saved yet: the patient store is unavailable. The change is kept at "
          "this station and saved when the store returns (see Pending writes).")
REFUSED = ("NOT saved: the patient store refused a queued change of this patient. Open Pending "
           "writes to apply it again or discard it.")


def message_line() -> QLabel:
    """A hidden line for an error, or the confirmation that a save worked."""
    line = QLabel(wordWrap=True)
    line.setStyleSheet(STYLE)
    line.hide()
    return line


class _ChoiceBar(QFrame):
    """A line of text with two buttons, hidden until asked: a choice that covers nothing."""

    def __init__(self, yes: str, no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="UnsavedBar")
        self.setStyleSheet(STYLE)
        self.text = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.yes_button, self.no_button = QPushButton(yes), QPushButton(no)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.yes_button)
        layout.addWidget(self.no_button)
        self.hide()


class UnsavedBar(_ChoiceBar):
    """Says that edits are held back from being replaced by another record: Save, or Discard them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Save", "Discard", parent)
        self.save_button, self.discard_button = self.yes_button, self.no_button

    def offer(self, edited: str, other: str) -> None:
        """Show the choice between the edits of `edited` and opening `other`."""
        self.text.setText(f"Unsaved changes to {edited}: Save them, or Discard to open {other}.")
        self.show()


class WideningBar(_ChoiceBar):
    """Asks before a save that sets a patient's alarm limits wider than the ward's default: the
    alarm would then sound later than the ward lets it. A bar in the panel rather than a
    dialog, so that nothing covers or blocks the alarm banner while the nurse decides."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Widen and save", "Cancel", parent)
        self.confirm_button, self.cancel_button = self.yes_button, self.no_button

    def ask(self, widened: list[str]) -> None:
        """Show the limits that would be wider than the ward's, one a line."""
        self.text.setText("Wider than the ward's default, so these alarms sound later:\n"
                          + "\n".join(widened) + "\nSave them anyway? The change is audited.")
        self.show()
        self.cancel_button.setFocus()  # a stray Enter must not widen anything
