"""What the text of a patient record may hold: bounded lengths, Unicode NFC, and no character
that is invisible or reorders what is shown, so that two MRNs that look the same are the same.

Plain Python, no Qt: the form checks each field as it is typed and every patient store checks
the whole record with the same rules (through `stores.model.patient_problems`). The form and
the stores (`stores.model.normalised_patient`) bring text to NFC before it is checked, kept or
compared.
"""

from __future__ import annotations

import unicodedata

# The longest each text field may be, in characters: generous for real names, MRNs and notes,
# bounded so that one record cannot fill a screen, a log line or a store.
MAX_LENGTHS = {
    "region": 64, "ward": 64, "mrn": 32, "given_name": 100, "family_name": 100, "bed_id": 64,
    "notes": 4000,
}
LIST_FIELDS = ("diagnoses", "allergies", "medications")
MAX_ITEM_LENGTH = 200  # one diagnosis, allergy or medication
MAX_ITEMS = 50
MULTILINE = frozenset({"notes"})  # may hold line breaks and tabs

# Invisible characters that make two different strings look alike, or reorder what is shown
# (Trojan Source, CVE-2021-42574): bidirectional embeddings and overrides, isolates, marks,
# zero-width spaces and joiners, the word joiner and invisible operators, the byte-order mark.
# Control characters (and lone surrogates) are refused as well.
_INVISIBLE = frozenset(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x200B, 0x2010),
     *range(0x2060, 0x2065), 0x061C, 0xFEFF])


def normalised(text: str) -> str:
    """`text` in Unicode normal form NFC, so that é typed as one or as two code points is one."""
    return unicodedata.normalize("NFC", text)


def refused_character(text: str, multiline: bool = False) -> str | None:
    """The first character `text` may not hold, as "U+202E", or None."""
    for char in text:
        code = ord(char)
        if multiline and char in "\n\t":
            continue
        if code in _INVISIBLE or unicodedata.category(char) in ("Cc", "Cs"):
            return f"U+{code:04X}"
    return None


def value_problem(field: str, text: str) -> str | None:
    """What is wrong with one text value of `field` (a list field: one item), or None."""
    limit = MAX_ITEM_LENGTH if field in LIST_FIELDS else MAX_LENGTHS.get(field)
    refused = refused_character(text, field in MULTILINE)
    if refused:
        return (f"Contains an invisible or control character ({refused}); retype the text "
                "rather than pasting it.")
    if limit is not None and len(text) > limit:
        return f"At most {limit} characters ({len(text)} given)."
    return None


def list_problem(field: str, items: tuple[str, ...]) -> str | None:
    """What is wrong with the items of a list field, or None."""
    if len(items) > MAX_ITEMS:
        return f"At most {MAX_ITEMS} entries ({len(items)} given)."
    return next(filter(None, (value_problem(field, item) for item in items)), None)
