"""A patient's own alarm limits, one row per vital, over the ward's defaults shown in grey."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from stores.alarm_bounds import AlarmBounds
from stores.model import AlarmLimits, Vital
from widgets import palette
from widgets.alarm_limits_row import LimitsRow

STYLE = f"QLabel#OwnLimits {{ color: {palette.TEXT}; font-weight: bold; }}"
HINT = ("Grey: the ward's default. A value typed here is this patient's own and replaces it; "
        "blank keeps the ward's.")
HEADINGS = {1: "Low", 2: "High", 4: "Delay (s)"}  # grid column of each heading


class AlarmLimitsEditor(QWidget):
    """Edits the limits of one patient; the record form loads it and reads it back.

    Each row checks its values as they are typed and says at the row what is wrong.
    """

    edited = Signal()  # the user typed in a row or reset one
    own_count_changed = Signal(int)  # how many vitals have own limits in the editors

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = {vital: LimitsRow(vital) for vital in Vital}
        self.hint = QLabel(HINT, objectName="Hint", wordWrap=True)
        self.setStyleSheet(STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.hint)
        layout.addLayout(self._grid())
        layout.addStretch(1)
        for row in self.rows.values():
            row.refresh()
            for editor in row.editors.values():
                editor.textEdited.connect(lambda _text, row=row: self._on_typed(row))
            row.reset_button.clicked.connect(lambda _checked=False, row=row: self._on_reset(row))

    def row(self, vital: Vital) -> LimitsRow:
        return self.rows[vital]

    def load(self, limits: tuple[AlarmLimits, ...]) -> None:
        """Show a patient's own limits; vitals without any show the ward's."""
        own = {limit.vital: limit for limit in limits}
        for vital, row in self.rows.items():
            row.load(own.get(vital))
            self._check(row)
        self.own_count_changed.emit(self.own_count())

    def set_ward_limits(self, limits: dict[Vital, AlarmLimits]) -> None:
        """The ward's effective defaults, shown in grey wherever the patient has no own value."""
        for vital, row in self.rows.items():
            row.set_ward(limits.get(vital, AlarmLimits(vital)))
            self._check(row)  # an own limit may now cross the ward's other one

    def set_bounds(self, bounds: dict[str, AlarmBounds]) -> None:
        """The clinical bounds own limits must stay within (the station's may be tighter)."""
        for row in self.rows.values():
            row.bounds = dict(bounds)
            if row.has_own():
                self._check(row)

    def limits(self) -> tuple[tuple[AlarmLimits, ...], dict[str, str]]:
        """The own limits typed (blank rows left out), and by field what stops them being saved.

        Every row's problem is shown at the row as well.
        """
        own, problems = [], {}
        for vital, row in self.rows.items():
            limits, message = self._check(row)
            if limits is not None:
                own.append(limits)
            if message:
                problems[field_name(vital)] = message
        return tuple(own), problems

    def own_count(self) -> int:
        return sum(row.has_own() for row in self.rows.values())

    def show_problem(self, vital: Vital, message: str) -> None:
        """A problem found elsewhere (the patient store refused the limits), shown at the row."""
        self.rows[vital].show_problem(message)

    def clear_problems(self) -> None:
        for row in self.rows.values():
            row.clear_problem()

    def has_problems(self) -> bool:
        return any(row.has_problem() for row in self.rows.values())

    def focus_first_problem(self) -> None:
        for row in self.rows.values():
            if row.has_problem():
                row.first_wrong_editor().setFocus()
                return

    def _check(self, row: LimitsRow) -> tuple[AlarmLimits | None, str]:
        limits, problems = row.read()
        if not problems:
            row.clear_problem()
            return limits, ""
        message = " ".join(dict.fromkeys(text for text, _parts in problems))
        parts = tuple(part for _text, row_parts in problems for part in row_parts)
        row.show_problem(message, parts)
        return limits, message

    def _on_typed(self, row: LimitsRow) -> None:
        row.refresh()
        self._check(row)
        self.own_count_changed.emit(self.own_count())
        self.edited.emit()

    def _on_reset(self, row: LimitsRow) -> None:
        row.clear()
        row.clear_problem()
        self.own_count_changed.emit(self.own_count())
        self.edited.emit()

    def _grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for column, text in HEADINGS.items():
            grid.addWidget(QLabel(text, objectName="SectionHeader"), 0, column)
        for index, row in enumerate(self.rows.values()):
            line = 1 + index * 2  # each vital's problem line sits under its editors
            for column, widget in enumerate(row.widgets()):
                grid.addWidget(widget, line, column)
            grid.addWidget(row.problem, line + 1, 1, 1, 6)
            row.label.setBuddy(row.editors["low"])
        grid.setColumnStretch(5, 1)
        return grid


def field_name(vital: Vital) -> str:
    """The field a ValidationError or a FieldProblem names for one vital's limits."""
    return f"alarm_limits.{vital.value}"


def vital_of(field: str) -> Vital | None:
    """The vital an "alarm_limits.<vital>" field is about; None for any other field."""
    prefix, _, value = field.partition(".")
    if prefix != "alarm_limits":
        return None
    return next((vital for vital in Vital if vital.value == value), None)
