"""Cache entries are untrusted input: whatever becomes of an entry's text, reading it gives the
record it was written with or refuses it (a miss), never another record and never an error."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stores.alerts.signing import Signer
from stores.cache.entries import MAX_ENTRY_CHARS, DecodedEntries, EntryCodec, Refused
from stores.cache.follower import generation_message, read_message
from stores.cache.keys import CacheKeys
from stores.model import Bed, CareGraph, CareLink, CareLinkKind, CareNode, CareNodeKind, Patient
from tests.stores.cache_support import KEY, OTHER_KEY, patient

NOW = time.time()
KEYS = CacheKeys("north")
QUERY = ("search", "north-1", "")
ENTRY_KEY = KEYS.entry("patients", 7, QUERY)
RECORDS = [patient("p1", 1), patient("p2", 2, weight_kg=61.5, diagnoses=("COPD",))]
CODEC = EntryCodec(Signer("north", [KEY]), ttl_s=60.0)
TEXT = CODEC.encode(ENTRY_KEY, QUERY, RECORDS, NOW)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3), max_leaves=10)


def read(text: str, key: str = ENTRY_KEY, codec: EntryCodec = CODEC, now: float = NOW):
    return codec.decode(text, key, QUERY, list[Patient], now).value


def read_or_refuse(text: str) -> object:
    try:
        return read(text)
    except Refused:
        return "refused"


def test_an_entry_reads_back_as_the_records_it_was_written_with():
    assert read(TEXT) == RECORDS
    graph = CareGraph("p1", (CareNode("p1", "Ada", CareNodeKind.PATIENT),),
                      (CareLink("d1", "p1", CareLinkKind.TREATS),))
    text = CODEC.encode("k", ("care-team", "p1"), graph, NOW)
    assert CODEC.decode(text, "k", ("care-team", "p1"), CareGraph, NOW).value == graph


@given(st.data())
def test_an_altered_text_is_the_same_records_or_refused(data):
    text = TEXT
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 4))
        text = text[:at] + data.draw(st.text(max_size=4)) + text[at + cut:]
    assert read_or_refuse(text) in (RECORDS, "refused")


@given(st.sampled_from(["format", "query", "at", "value", "sig"]), json_values)
def test_a_field_changed_after_signing_is_refused(field, value):
    record = json.loads(TEXT)
    if record[field] == value:
        return
    record[field] = value
    assert read_or_refuse(json.dumps(record)) == "refused"


@given(st.text(max_size=200) | json_values.map(json.dumps))
def test_any_text_is_refused(text):
    assert read_or_refuse(text) == "refused"


@pytest.mark.parametrize("case", ["other key", "no key", "unsigned", "moved", "old", "future",
                                  "too long", "other query", "not what the read returns"])
def test_what_no_station_of_the_region_wrote_for_this_key_now_is_refused(case):
    other = EntryCodec(Signer("north", [OTHER_KEY]), ttl_s=60.0)
    unsigned = EntryCodec(Signer("north", []), ttl_s=60.0)
    attempts = {
        "other key": lambda: read(other.encode(ENTRY_KEY, QUERY, RECORDS, NOW)),
        "no key": lambda: read(TEXT, codec=unsigned),
        "unsigned": lambda: read(unsigned.encode(ENTRY_KEY, QUERY, RECORDS, NOW)),
        "moved": lambda: read(TEXT, key=KEYS.entry("patients", 8, QUERY)),
        "old": lambda: read(TEXT, now=NOW + 60.0 + 6.0),
        "future": lambda: read(TEXT, now=NOW - 6.0),
        "too long": lambda: read(TEXT + " " * MAX_ENTRY_CHARS),
        "other query": lambda: CODEC.decode(TEXT, ENTRY_KEY, ("search", "", ""), list[Patient],
                                            NOW),
        "not what the read returns": lambda: CODEC.decode(
            CODEC.encode(ENTRY_KEY, QUERY, [Bed("b", "north", "north-1", "Bed", 1)], NOW),
            ENTRY_KEY, QUERY, list[Patient], NOW),
    }
    with pytest.raises(Refused):
        attempts[case]()


def test_an_answer_too_long_to_keep_is_not_kept():
    many = [patient(f"p{n}", 1, notes="x" * 2000) for n in range(600)]
    assert CODEC.encode(ENTRY_KEY, QUERY, many, NOW) is None


def test_an_entry_decoded_before_is_given_again_as_a_fresh_list_and_its_age_still_checked():
    decoded = DecodedEntries(CODEC)
    first = decoded.read(TEXT, ENTRY_KEY, QUERY, list[Patient], NOW)
    first.clear()  # a caller changing its list changes nobody else's
    assert decoded.read(TEXT, ENTRY_KEY, QUERY, list[Patient], NOW + 1) == RECORDS
    with pytest.raises(Refused):
        decoded.read(TEXT, ENTRY_KEY, QUERY, list[Patient], NOW + 70.0)


@given(st.text(max_size=300) | json_values.map(json.dumps))
def test_a_message_on_the_channel_is_a_signed_generation_or_refused(text):
    signer = Signer("north", [KEY])
    with pytest.raises(ValueError):
        read_message(signer, text)
    assert read_message(signer, generation_message(signer, "network", 12)) == ("network", 12)
    with pytest.raises(ValueError):
        read_message(signer, generation_message(Signer("north", [OTHER_KEY]), "network", 13))
