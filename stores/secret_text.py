"""Text from a driver or a server, made safe to show: the one place a secret is masked out."""

from __future__ import annotations

import itertools

MASK_LENGTH = 3  # "***": says something was there, not how long it was


def scrub(text: str, secret: str | None) -> str:
    """`text` with every stretch where `secret` appears (overlapping or repeated ones too)
    replaced by one mask; unchanged when there is no secret."""
    if not secret:
        return text
    mask = _mask_char(secret) * MASK_LENGTH
    kept, end = [], 0
    for start, stop in _covered(text, secret):
        kept += [text[end:start], mask]
        end = stop
    return "".join([*kept, text[end:]])


def _covered(text: str, secret: str) -> list[tuple[int, int]]:
    """The stretches of `text` covered by an occurrence of `secret`, overlaps merged."""
    spans: list[tuple[int, int]] = []
    start = text.find(secret)
    while start >= 0:
        stop = start + len(secret)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], stop)
        else:
            spans.append((start, stop))
        start = text.find(secret, start + 1)
    return spans


def _mask_char(secret: str) -> str:
    """"*", or a character the secret lacks: a mask made of the secret's own characters could
    rebuild it with the text around it ("a*" in "aa*" would leave "a***")."""
    candidates = itertools.chain("*#~", map(chr, itertools.count(0x2022)))
    return next(c for c in candidates if c not in secret)
