"""The text of a patient record: bounded, NFC, and free of characters that hide or reorder
text, so that two MRNs that look the same are the same (hypothesis: any unicode at all)."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stores import patient_text
from stores.errors import ValidationError
from stores.model import Patient, normalised_patient, patient_problems
from stores.patients import rules

TODAY = date(2026, 5, 1)
ADA = Patient("", "north", "north-1", "N2001", "Ada", "Lovelace", date(1985, 12, 10))
HIDING = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E,
          0x200F, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x0000, 0x0007, 0x001B, 0x007F, 0x0085]


@given(st.text(max_size=60))
def test_any_mrn_is_either_refused_or_clean_nfc_and_bounded(text):
    patient = normalised_patient(dataclasses.replace(ADA, mrn=text))
    problems = [p for p in patient_problems(patient, TODAY) if p.field == "mrn"]
    if not problems and text.strip():
        assert unicodedata.is_normalized("NFC", patient.mrn)
        assert len(patient.mrn) <= patient_text.MAX_LENGTHS["mrn"]
        assert not any(ord(c) in HIDING or unicodedata.category(c) in ("Cc", "Cs")
                       for c in patient.mrn)


@given(st.text(min_size=1, max_size=20), st.sampled_from(HIDING), st.integers(0, 20))
def test_a_hidden_character_anywhere_makes_a_look_alike_mrn_refused(text, code, at):
    at = min(at, len(text))
    look_alike = text[:at] + chr(code) + text[at:]
    patient = normalised_patient(dataclasses.replace(ADA, mrn=look_alike))
    assert any(p.field == "mrn" for p in patient_problems(patient, TODAY))


@given(st.text(max_size=30), st.text(max_size=30))
def test_every_text_field_and_list_is_checked_and_no_text_makes_the_rules_fail(name, item):
    patient = dataclasses.replace(ADA, family_name=name, notes=name, diagnoses=(item,))
    for problem in patient_problems(normalised_patient(patient), TODAY):
        assert problem.message  # a message for a person, never an exception


def test_notes_may_hold_line_breaks_and_tabs_but_not_other_controls():
    assert not patient_problems(dataclasses.replace(ADA, notes="line\n\tnext"), TODAY)
    [problem] = patient_problems(dataclasses.replace(ADA, notes="ring \x07"), TODAY)
    assert problem.field == "notes" and "U+0007" in problem.message


@pytest.mark.parametrize("field, limit", [("mrn", 32), ("given_name", 100), ("notes", 4000)])
def test_each_field_has_a_maximum_length(field, limit):
    assert not patient_problems(dataclasses.replace(ADA, **{field: "x" * limit}), TODAY)
    [problem] = patient_problems(dataclasses.replace(ADA, **{field: "x" * (limit + 1)}), TODAY)
    assert problem.field == field and f"At most {limit} characters" in problem.message


def test_a_list_is_bounded_in_entries_and_in_each_entry():
    many = tuple(f"d{n}" for n in range(51))
    assert "At most 50 entries" in patient_problems(
        dataclasses.replace(ADA, allergies=many), TODAY)[0].message
    assert "At most 200 characters" in patient_problems(
        dataclasses.replace(ADA, medications=("m" * 201,)), TODAY)[0].message


def test_a_store_keeps_nfc_and_still_refuses_naming_the_field():
    decomposed = dataclasses.replace(ADA, mrn="N\u0065\u0301", notes="Ame\u0301lie",
                                     allergies=("ce\u0301phalosporins",))
    kept = rules.checked(decomposed)
    assert (kept.mrn, kept.notes, kept.allergies) == ("N\u00e9", "Am\u00e9lie",
                                                      ("c\u00e9phalosporins",))
    with pytest.raises(ValidationError) as refused:
        rules.checked(dataclasses.replace(ADA, family_name="Love\u200blace"))
    assert refused.value.field == "family_name"
