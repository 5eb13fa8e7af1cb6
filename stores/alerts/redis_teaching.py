"""The alarm bus's teaching setting on Redis: whether writing a HIGH alarm waits until a
replica has it (`WAIT`), switched while the station runs."""

from __future__ import annotations

from stores.model import TeachingSetting

WAIT_KEY = "high_alarm_wait"
LABEL = "HIGH alarms wait for"  # the start of the bus's consistency line about it
ABOUT = ("Whether writing a HIGH alarm waits until a replica has it (Redis WAIT, within the "
         "URL's wait_timeout_ms): without it, a master that dies just after the write takes "
         "the alarm with it, and the station writes it again on the new master.")


def wait_setting(configured: int, in_use: int) -> TeachingSetting:
    """No wait, one replica, and the URL's `configured` count; `in_use` now."""
    counts = sorted({0, 1, configured})
    return TeachingSetting("alerts", WAIT_KEY, LABEL, tuple(_words(n) for n in counts),
                           _words(in_use), ABOUT)


def replicas_of(value: str) -> int:
    """The count a choice names (one of `wait_setting`'s)."""
    return 0 if value == _words(0) else int(value.split()[0])


def _words(count: int) -> str:
    return "no replica" if count == 0 else f"{count} replica" + ("s" if count > 1 else "")
