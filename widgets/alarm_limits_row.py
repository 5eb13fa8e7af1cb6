"""One vital's row of the alarm limits editor: a patient's own values over the ward's in grey."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from stores.alarm_bounds import HARD_BOUNDS, AlarmBounds
from stores.model import AlarmLimits, Vital, alarm_limit_problems
from widgets.patient_form.fields import parse_number

PARTS = ("low", "high", "delay_s")  # the fields of AlarmLimits a row edits, left to right
WORDS = {"low": "low limit", "high": "high limit", "delay_s": "alarm delay"}
UNPARSED = {"low": "must be a number.", "high": "must be a number.",
            "delay_s": "must be a number of seconds."}

Problem = tuple[str, tuple[str, ...]]  # a message, and the parts of the row it is about


class LimitsRow:
    """The widgets of one vital's limits; the editor places them in its grid and wires them."""

    def __init__(self, vital: Vital) -> None:
        self.vital = vital
        self.label = QLabel(vital.label)
        self.unit = QLabel(vital.unit, objectName="Dim")
        self.editors = {part: _number_editor() for part in PARTS}  # "ward" until it is known
        self.mark = QLabel()
        self.reset_button = QPushButton("Ward default")
        self.reset_button.setToolTip(f"Clear this patient's own {vital.label} limits")
        self.problem = QLabel(objectName="FieldError", wordWrap=True)
        self.problem.hide()
        self._ward: AlarmLimits | None = None  # None until the ward's defaults are known
        self.bounds: dict[str, AlarmBounds] = HARD_BOUNDS  # the station's, when tighter
        # No refresh() here: showing a widget before it is placed would open it as a window.

    def widgets(self) -> list[QWidget]:
        """Left to right, as they sit in the grid (the problem line goes under them)."""
        low, high, delay = (self.editors[part] for part in PARTS)
        return [self.label, low, high, self.unit, delay, self.mark, self.reset_button]

    def load(self, own: AlarmLimits | None) -> None:
        for part, editor in self.editors.items():
            value = None if own is None else getattr(own, part)
            editor.setText("" if value is None else f"{value:g}")
        self.refresh()

    def clear(self) -> None:
        self.load(None)

    def has_own(self) -> bool:
        return any(editor.text().strip() for editor in self.editors.values())

    def set_ward(self, ward: AlarmLimits) -> None:
        self._ward = ward
        for part, editor in self.editors.items():
            value = getattr(ward, part)
            editor.setPlaceholderText("no alarm" if value is None else f"{value:g}")
            editor.setToolTip(self._tip(part, value))
        self.refresh()

    def read(self) -> tuple[AlarmLimits | None, list[Problem]]:
        """The limits typed (None when the row is blank) and what is wrong with them."""
        values, problems = {}, []
        for part, editor in self.editors.items():
            try:
                values[part] = parse_number(editor.text())
            except ValueError:
                values[part] = None
                problems.append((f"{self.vital.label} {WORDS[part]} {UNPARSED[part]}", (part,)))
        own = AlarmLimits(self.vital, **values)
        if own.empty:
            return None, problems
        return own, problems or limit_problems(own, self._ward, self.bounds)

    def show_problem(self, message: str, parts: tuple[str, ...] = ()) -> None:
        """Say what is wrong under the row, and mark the editors it is about (unsaid: the
        patient's own values)."""
        self.problem.setText(message)
        typed = tuple(part for part, editor in self.editors.items() if editor.text().strip())
        for part, editor in self.editors.items():
            _mark(editor, part in (parts or typed))
        self.refresh()

    def clear_problem(self) -> None:
        self.problem.clear()
        for editor in self.editors.values():
            _mark(editor, False)
        self.refresh()

    def has_problem(self) -> bool:
        return bool(self.problem.text())

    def first_wrong_editor(self) -> QLineEdit:
        wrong = [e for e in self.editors.values() if e.property("invalid")]
        return (wrong or list(self.editors.values()))[0]

    def refresh(self) -> None:
        """Marks, resets and which editors are open, after the values or the ward's changed."""
        own = self.has_own()
        self.mark.setText("Own" if own else "Ward")
        _set_style_name(self.mark, "OwnLimits" if own else "Dim")
        _set_style_name(self.label, "OwnLimits" if own else "")
        self.reset_button.setEnabled(own)
        for part, editor in self.editors.items():
            # A limit for a side the ward raises no alarm on would change nothing: not offered,
            # unless the record holds one (then it stays editable so that it can be cleared).
            editor.setEnabled(self._watched(part) or bool(editor.text().strip()))
        # A vital the ward raises no alarm on has no row, unless there is something to say.
        shown = own or self.has_problem() or any(self._watched(part) for part in PARTS)
        for widget in self.widgets():
            widget.setVisible(shown)
        self.problem.setVisible(self.has_problem())

    def _watched(self, part: str) -> bool:
        if self._ward is None:
            return True
        if part == "delay_s":
            return self._ward.low is not None or self._ward.high is not None
        return getattr(self._ward, part) is not None

    def _tip(self, part: str, value: float | None) -> str:
        if value is None:
            return f"This ward raises no {self.vital.label} {WORDS[part].split()[0]} alarm."
        unit = "s" if part == "delay_s" else self.vital.unit
        return f"Ward default: {value:g} {unit}. Blank keeps it; a value is this patient's own."


def limit_problems(own: AlarmLimits, ward: AlarmLimits | None,
                   bounds: dict[str, AlarmBounds] = HARD_BOUNDS) -> list[Problem]:
    """What is wrong with a patient's own limits for one vital, given the ward's (None: unknown)
    and the clinical bounds."""
    found: list[Problem] = []
    for part in PARTS:
        value = getattr(own, part)
        if value is not None:
            alone = AlarmLimits(own.vital, **{part: value})
            found += [(problem.message, (part,))
                      for problem in alarm_limit_problems((alone,), bounds)]
    if not found:  # each value is possible on its own; the pair may still not be
        found += [(problem.message, ("low", "high"))
                  for problem in alarm_limit_problems((own,), bounds)]
    if not found and ward is not None:
        found += _unused(own, ward) or _crossing_ward(own, ward)
    return found


def _unused(own: AlarmLimits, ward: AlarmLimits) -> list[Problem]:
    label = own.vital.label
    found: list[Problem] = []
    for side in ("low", "high"):
        if getattr(own, side) is not None and getattr(ward, side) is None:
            message = (f"This ward raises no {label} {side} alarm, so a {side} limit would not "
                       f"be used: clear it.")
            found.append((message, (side,)))
    if own.delay_s is not None and ward.low is None and ward.high is None:
        message = f"This ward raises no {label} alarm, so a delay would not be used: clear it."
        found.append((message, ("delay_s",)))
    return found


def _crossing_ward(own: AlarmLimits, ward: AlarmLimits) -> list[Problem]:
    """An own limit on one side that passes the ward's limit on the other leaves no normal."""
    label = own.vital.label
    if own.low is not None and own.high is None and ward.high is not None \
            and own.low >= ward.high:
        return [((f"{label} low limit ({own.low:g}) must be below the ward's high limit "
                  f"({ward.high:g})."), ("low",))]
    if own.high is not None and own.low is None and ward.low is not None \
            and own.high <= ward.low:
        return [((f"{label} high limit ({own.high:g}) must be above the ward's low limit "
                  f"({ward.low:g})."), ("high",))]
    return []


def _number_editor() -> QLineEdit:
    editor = QLineEdit(placeholderText="ward")
    editor.setFixedWidth(editor.fontMetrics().horizontalAdvance("no alarm") + 24)
    return editor


def _mark(editor: QLineEdit, wrong: bool) -> None:
    if editor.property("invalid") is not wrong:  # re-polishing costs: every row, every load
        editor.setProperty("invalid", wrong)
        _repolish(editor)


def _set_style_name(widget: QWidget, name: str) -> None:
    if widget.objectName() != name:
        widget.setObjectName(name)
        _repolish(widget)


def _repolish(widget: QWidget) -> None:
    # A dynamic property or a new objectName only takes effect in QSS once re-applied.
    widget.style().unpolish(widget)
    widget.style().polish(widget)
