"""The one secret scrubber: no secret survives in the text it returns, however it appears."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from stores.secret_text import scrub

# Few letters, "*" among them: repeats, overlaps and secrets made of the mask's own character
# come up often.
TEXT = st.text(alphabet="ab*:", max_size=30)
SECRET = st.text(alphabet="ab*:", min_size=1, max_size=5)


@given(text=TEXT, secret=SECRET)
@example(text="aa*", secret="a*")  # "***" for the last two would leave "a***"
@example(text="**", secret="*")
@example(text="ababa", secret="aba")  # two occurrences sharing a letter
def test_no_secret_survives(text, secret):
    assert secret not in scrub(text, secret)


@given(pieces=st.lists(TEXT, min_size=2, max_size=5), secret=SECRET)
def test_a_secret_put_in_several_times_is_gone(pieces, secret):
    assert secret not in scrub(secret.join(pieces), secret)


@given(text=TEXT, secret=SECRET)
def test_text_without_the_secret_is_left_as_it_is(text, secret):
    if secret not in text:
        assert scrub(text, secret) == text


@pytest.mark.parametrize(("text", "secret", "shown"), [
    ("overloaded, token s3cr3t", "s3cr3t", "overloaded, token ***"),
    ("s3cr3t and s3cr3t", "s3cr3t", "*** and ***"),
    ("aaaa", "aa", "***"),  # overlapping occurrences: one mask, not "******"
    ("no secret here", "s3cr3t", "no secret here"),
    ("anything", None, "anything"),
    ("anything", "", "anything"),
    ("pass*word", "s*w", "pas###ord"),  # a mask without the secret's "*"
])
def test_what_is_shown(text, secret, shown):
    assert scrub(text, secret) == shown
