"""A Sentinel's pub/sub events (`+sdown`, `+odown`, `+switch-master`, `+promoted-slave`...) read
as untrusted input: an event the station follows, in Sentinel's documented shape, made of short
plain tokens, else refused. What is kept is the Sentinel's own text, checked, for the cluster
view's timeline.

Shapes (https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/, "Pub/Sub
messages"): most events name an instance, `<type> <name> <ip> <port>` followed, for a replica or
a Sentinel, by `@ <master name> <master ip> <master port>` (and `+odown` by `#quorum 2/3`);
`+switch-master <master name> <old ip> <old port> <new ip> <new port>`; `+tilt` and `-tilt`
say `#tilt mode entered` / `exited`. Other events (`+set`, which may carry a configuration value,
`+new-epoch`, `+vote-for-leader`, `+sentinel`...) are not followed: not subscribed to, and
refused if a server sends them anyway.
"""

from __future__ import annotations

import re

from stores.model import ServerEvent

# the failover's story, as a class follows it: a node seen down, agreed down, the vote, the
# replica promoted, the others pointed at it, the old master back as a replica
INSTANCE_EVENTS = frozenset({
    "+sdown", "-sdown", "+odown", "-odown", "+reboot", "+slave", "+convert-to-slave",
    "+try-failover", "+elected-leader", "+failover-detected", "+failover-state-select-slave",
    "+selected-slave", "+failover-state-send-slaveof-noone", "+failover-state-wait-promotion",
    "+promoted-slave", "+failover-state-reconf-slaves", "+slave-reconf-sent",
    "+slave-reconf-inprog", "+slave-reconf-done", "+failover-end", "+failover-end-for-timeout",
    "-failover-abort-not-elected", "-failover-abort-no-good-slave",
    "-failover-abort-slave-timeout",
})
SWITCH = "+switch-master"
TILT = {"+tilt": "entered", "-tilt": "exited"}
EVENTS = INSTANCE_EVENTS | {SWITCH, *TILT}  # the channels the station subscribes to
# a loss rather than a recovery or a move
BAD = frozenset({"+sdown", "+odown", "+tilt", "-failover-abort-not-elected",
                 "-failover-abort-no-good-slave", "-failover-abort-slave-timeout"})

MAX_TEXT = 300  # Sentinel's longest, a replica's event with its master, is about 120
_TYPES = frozenset({"master", "slave", "replica", "sentinel"})
_NAME = re.compile(r"[A-Za-z0-9._:\[\]-]{1,100}")  # a master's name, or a replica's ip:port
_HOST = re.compile(r"[A-Za-z0-9.:\[\]-]{1,100}")  # an address, or a name Sentinel announces
_PORT = re.compile(r"[1-9][0-9]{0,4}")
_QUORUM = re.compile(r"[0-9]{1,4}/[0-9]{1,4}")


class RefusedEvent(ValueError):
    """A message that is not an event in the shape the station follows; says why."""


def read_event(channel: object, data: object, source: str, at: float) -> ServerEvent:
    """The event `channel` said with `data`, heard from the Sentinel at `source` at `at`;
    RefusedEvent when it is not one the station follows, in its documented shape."""
    if not isinstance(channel, str) or channel not in EVENTS:
        raise RefusedEvent(f"not an event the station follows: {_shown(channel)}")
    if not isinstance(data, str) or not 0 < len(data) <= MAX_TEXT:
        raise RefusedEvent(f"{channel}: no text, or longer than {MAX_TEXT} characters")
    tokens = data.split(" ")
    if channel == SWITCH:
        _check_switch(tokens)
    elif channel in TILT:
        if tokens != ["#tilt", "mode", TILT[channel]]:
            raise RefusedEvent(f"{channel}: not '#tilt mode {TILT[channel]}'")
    else:
        _check_instance(channel, tokens)
    return ServerEvent(at, source, f"{channel} {data}", channel in BAD)


def _check_switch(tokens: list[str]) -> None:
    if len(tokens) != 5 or not _NAME.fullmatch(tokens[0]) \
            or not _address(tokens[1:3]) or not _address(tokens[3:5]):
        raise RefusedEvent(f"{SWITCH}: not '<master> <old ip> <old port> <new ip> <new port>'")


def _check_instance(channel: str, tokens: list[str]) -> None:
    """`<type> <name> <ip> <port>`, then `@ <master> <ip> <port>`, then (+odown, -odown)
    `#quorum n/m`, each part optional after the first."""
    if len(tokens) < 4 or tokens[0] not in _TYPES or not _NAME.fullmatch(tokens[1]) \
            or not _address(tokens[2:4]):
        raise RefusedEvent(f"{channel}: not '<type> <name> <ip> <port>'")
    rest = tokens[4:]
    if rest[:1] == ["@"]:
        if not (len(rest) >= 4 and _NAME.fullmatch(rest[1]) and _address(rest[2:4])):
            raise RefusedEvent(f"{channel}: not '@ <master> <ip> <port>' after the instance")
        rest = rest[4:]
    if rest and not (channel.endswith("odown") and len(rest) == 2 and rest[0] == "#quorum"
                     and _QUORUM.fullmatch(rest[1])):
        raise RefusedEvent(f"{channel}: unexpected words after the instance")


def _address(pair: list[str]) -> bool:
    return (len(pair) == 2 and bool(_HOST.fullmatch(pair[0])) and bool(_PORT.fullmatch(pair[1]))
            and int(pair[1]) <= 65535)


def _shown(value: object) -> str:
    """A refused channel name, safe to log: printable ASCII, short."""
    text = value if isinstance(value, str) else type(value).__name__
    return repr("".join(c if " " <= c <= "~" else "?" for c in text[:40]))
