"""Pieces of the patient form: a field with its inline problem, the birth-date editor, parsing."""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QLabel, QVBoxLayout, QWidget

WEIGHT_HINT = "Weight must be a number in kg, e.g. 72.5"


class FormField(QWidget):
    """An editor with a message under it saying what is wrong with its value (hidden when nothing is).

    The editor gets the dynamic property `invalid`, which the theme draws as a red border.
    """

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.problem = QLabel()
        self.problem.setObjectName("FieldError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.problem)

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        self._mark(True)

    def clear_problem(self) -> None:
        if self.problem.isHidden():
            return
        self.problem.clear()
        self.problem.hide()
        self._mark(False)

    def _mark(self, wrong: bool) -> None:
        self.editor.setProperty("invalid", wrong)
        # A dynamic property only takes effect in QSS once the style is re-applied.
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)


class BirthDateEdit(QDateEdit):
    """A date editor that can be blank: its minimum date stands for "not entered yet".

    A new patient must not get a plausible-looking default birth date that could be saved by
    mistake. No maximum, so that a future date can be typed and refused with a message.
    """

    NOT_SET = QDate(1800, 1, 1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(self.NOT_SET)
        self.setSpecialValueText(" ")
        self.setDate(self.NOT_SET)
        self.calendarWidget().installEventFilter(self)

    def birth_date(self) -> date | None:
        return None if self.date() == self.NOT_SET else self.date().toPython()

    def set_birth_date(self, day: date | None) -> None:
        self.setDate(self.NOT_SET if day is None else QDate(day.year, day.month, day.day))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A blank editor has no sections to type into: give it one, with the year ready to type.
        if self.date() == self.NOT_SET and event.text().isdigit():
            self.setDate(QDate.currentDate())
            self.setSelectedSection(QDateTimeEdit.Section.YearSection)
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Opening the calendar on a blank date would show January 1800; show this month instead.
        if event.type() == QEvent.Type.Show and self.date() == self.NOT_SET:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return False


def split_items(text: str) -> tuple[str, ...]:
    """The comma-separated entries of a one-line list field, stripped, blanks left out."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_weight(text: str) -> float | None:
    """Weight in kg from what was typed; None when blank. ValueError when it is not a number."""
    return parse_number(text)


def parse_number(text: str) -> float | None:
    """A number from what was typed; None when blank. ValueError when it is not a number."""
    text = text.strip()
    if not text:
        return None
    # Many wards write a decimal comma.
    number = float(text.replace(",", "."))
    if not math.isfinite(number):  # float() takes "nan" and "inf" too
        raise ValueError(f"not a number: {text!r}")
    return number
