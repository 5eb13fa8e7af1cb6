"""A Sentinel's events, read as untrusted input (stores/alerts/redis_sentinel_events.py) and kept
for the last few minutes, bounded (redis_sentinel_listener.py). A real failover's events:
tests/stores/test_redis_sentinel.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from stores.alerts.redis_sentinel_events import (
    EVENTS,
    MAX_TEXT,
    RefusedEvent,
    read_event,
)
from stores.alerts.redis_sentinel_listener import KEPT, KEPT_S, SentinelEvents

SENTINEL = "127.0.0.1:26379"
# what Sentinel 7 published in a failover here (`redis-cli -p 26379 psubscribe '*'`)
SAID = [
    ("+sdown", "master mymaster 127.0.0.1 6379", True),
    ("+odown", "master mymaster 127.0.0.1 6379 #quorum 2/2", True),
    ("+try-failover", "master mymaster 127.0.0.1 6379", False),
    ("+selected-slave", "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379", False),
    ("+promoted-slave", "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379", False),
    ("-odown", "master mymaster 127.0.0.1 6379", False),
    ("+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380", False),
    ("+sdown", "slave 127.0.0.1:6379 127.0.0.1 6379 @ mymaster 127.0.0.1 6380", True),
    ("+sdown", "sentinel 127.0.0.1:26380 127.0.0.1 26380 @ mymaster 127.0.0.1 6380", True),
    ("+tilt", "#tilt mode entered", True),
    ("-failover-abort-no-good-slave", "master mymaster 127.0.0.1 6379", True),
]


@pytest.mark.parametrize("channel, data, bad", SAID)
def test_what_sentinel_says_in_a_failover_reads_as_it_said_it(channel, data, bad):
    event = read_event(channel, data, SENTINEL, 12.5)
    assert (event.at, event.source, event.text, event.bad) == (12.5, SENTINEL,
                                                               f"{channel} {data}", bad)


@pytest.mark.parametrize("channel, data, why", [
    ("+set", "master mymaster 127.0.0.1 6379 auth-pass s3cret", "not an event the station"),
    ("__sentinel__:hello", "127.0.0.1,26379,abc,1,mymaster,127.0.0.1,6379,1", "not an event"),
    (b"+sdown", "master mymaster 127.0.0.1 6379", "'bytes'"),
    ("+sdown", "", "no text"),
    ("+sdown", "master mymaster 127.0.0.1 6379" + " x" * 200, "longer than"),
    ("+sdown", "master mymaster 127.0.0.1 6379\n+switch-master forged", "<type> <name>"),
    ("+sdown", "master my\u202emaster 127.0.0.1 6379", "<type> <name>"),
    ("+sdown", "master mymaster 127.0.0.1  6379", "<type> <name>"),
    ("+sdown", "primary mymaster 127.0.0.1 6379", "<type> <name>"),
    ("+sdown", "master mymaster 127.0.0.1 99999", "<type> <name>"),
    ("+sdown", "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1", "'@ <master>"),
    ("+sdown", "master mymaster 127.0.0.1 6379 #quorum 2/2", "unexpected words"),
    ("+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1", "<old ip>"),
    ("+tilt", "#tilt mode exited", "'#tilt mode entered'"),
    (None, None, "'NoneType'"),
])
def test_anything_else_is_refused_saying_why(channel, data, why):
    with pytest.raises(RefusedEvent, match=re.escape(why)):
        read_event(channel, data, SENTINEL, 0.0)


TOKENS = st.sampled_from(["master", "slave", "sentinel", "mymaster", "127.0.0.1", "6379",
                          "127.0.0.1:6380", "@", "#quorum", "2/3", "#tilt", "mode", "entered",
                          "0", "", "::1"]) | st.text(max_size=12)
CHANNELS = st.sampled_from(sorted(EVENTS)) | st.text(max_size=30) | st.none() | st.integers()


@given(CHANNELS, st.lists(TOKENS, max_size=12).map(" ".join) | st.text(max_size=400)
       | st.binary(max_size=50) | st.none())
@example("+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380")
@example("+odown", "master mymaster 127.0.0.1 6379 #quorum 2/3")
def test_whatever_arrives_is_refused_or_read_as_short_plain_text(channel, data):
    try:
        event = read_event(channel, data, SENTINEL, 1.0)
    except RefusedEvent as exc:
        assert all(" " <= c <= "~" for c in str(exc)[:60]), "a refusal is safe to log"
        return
    assert channel in EVENTS and event.text == f"{channel} {data}"
    assert len(event.text) <= MAX_TEXT + 40
    assert all(" " <= c <= "~" for c in event.text), "printable ASCII only"
    assert "  " not in event.text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_flood_keeps_the_newest_few_and_a_few_minutes_only():
    clock = Clock()
    events = SentinelEvents(conn=_NoSentinels(), clock=clock)
    for n in range(50_000):
        events.heard("+sdown", f"master m{n} 127.0.0.1 6379", SENTINEL)
        events.heard("+sdown", f"master m{n} 127.0.0.1 6379 extra", SENTINEL)  # refused
    kept = events.recent()
    assert len(kept) == KEPT and kept[-1].text == "+sdown master m49999 127.0.0.1 6379"
    assert events.refused == 50_000
    assert events.last_refused == f"{SENTINEL}: +sdown: unexpected words after the instance"

    clock.now += KEPT_S / 2
    events.heard("+switch-master", "m 127.0.0.1 6379 127.0.0.1 6380", SENTINEL)
    assert len(events.recent()) == KEPT
    clock.now += KEPT_S / 2 + 1
    assert [e.text for e in events.recent()] == ["+switch-master m 127.0.0.1 6379 127.0.0.1 6380"]


class _NoSentinels:
    """A bus's connection with a plain redis:// URL: nothing to listen to."""

    def sentinels(self) -> list:
        return []
