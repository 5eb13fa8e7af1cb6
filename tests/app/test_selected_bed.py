"""One call from the window reaches every feed of the selected bed, in the order the chart
needs; and the token that drops an answer asked for before a newer selection."""

from __future__ import annotations

from datetime import date

from app.feeds.selection import SelectedBed, SelectionToken
from stores.model import Patient

ADA = Patient("p1", "north", "north-1", "M1", "Ada", "Lovelace", date(1950, 1, 1),
              bed_id="north-1-01", admitted_at=1000.0)


class Recorder:
    """Stands in for a feed: records what it is asked to follow, in one shared list."""

    def __init__(self, name: str, calls: list) -> None:
        self.name, self.calls = name, calls

    def select_bed(self, bed_id, since=None):
        self.calls.append((self.name, bed_id) if since is None else (self.name, bed_id, since))

    def select_patient(self, patient_id):
        self.calls.append((self.name, patient_id))


def selected_bed(calls: list) -> SelectedBed:
    return SelectedBed(*(Recorder(name, calls) for name in
                         ("vitals", "trends", "pleth", "ecg", "network")))


def test_one_selection_reaches_every_feed_the_ecg_last():
    calls: list = []
    chosen = selected_bed(calls)

    chosen.select(ADA)
    chosen.select(None)

    assert calls == [("network", "p1"), ("vitals", "north-1-01", 1000.0),
                     ("trends", "north-1-01"), ("pleth", "north-1-01"), ("ecg", "north-1-01"),
                     ("network", None), ("vitals", None, 0.0), ("trends", None), ("pleth", None),
                     ("ecg", None)]
    assert chosen.bed_id is None


def test_a_patient_without_a_bed_here_keeps_their_care_team():
    calls: list = []
    selected_bed(calls).select(None, "p-elsewhere")

    assert calls[0] == ("network", "p-elsewhere")
    assert ("ecg", None) in calls


def test_an_answer_asked_before_a_newer_selection_is_stale():
    token = SelectionToken()
    asked = token.take()
    assert token.current(asked)
    token.bump()
    assert not token.current(asked) and token.current(token.take())
