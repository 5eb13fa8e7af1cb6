"""What the Redis alarm bus wrote lately, written again on a master that turns out not to have it.

Redis replicates asynchronously, and only critical alarms WAIT for a replica: an alarm of lower
priority (or a clear, or an acknowledgement) that the master answered can vanish with it when
it dies before passing it on, and the replica promoted in its place never had it. So the bus
keeps the latest version of every alarm it published and every acknowledgement it made in the
last `REPLAY_WINDOW_S`, looks at the master's replication id and offset before each write, and
when they say the master is another one (a failover; or the same one restarted without what it
had) or has gone back, writes them all again first, in the order it wrote them.

That is harmless where nothing was lost: the scripts write nothing for a version the server has
already (`PUBLISH`) or an alarm already acknowledged (`ACKNOWLEDGE`), and a reader drops an entry
it delivered before (`stores.alerts.redis_feed`). What was missing is written and delivered, and
counted, so the station can say how many writes a failover would have lost.
"""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Longer than any failover takes to be decided (Sentinel's down-after-milliseconds is 30 s by
# default, and a master cut off from its Sentinels takes writes for that long), short enough that
# what is kept stays small: at a busy 20 alarm versions a second, 6000 records of under 2 kB.
REPLAY_WINDOW_S = 300.0
REPLAY_MAX = 10_000
SAID_FOR_S = 300.0  # how long health mentions the last change of master

Info = dict[str, Any]  # the master's INFO replication, by name


@dataclass(frozen=True)
class Write:
    """One script call as it was made: run again with the same keys and arguments."""

    script: str  # "publish" or "acknowledge"
    keys: list[str]
    args: list[str | int]
    at: float  # monotonic time it was made


@dataclass(frozen=True)
class Replayed:
    """The outcome of one replay: how many writes were run again, how many were missing."""

    at: float  # wall-clock time, for people
    written: int
    missing: int

    def said(self) -> str:
        when = time.strftime("%H:%M:%S", time.localtime(self.at))
        recent = f"alarm write(s) of the last {REPLAY_WINDOW_S / 60:.0f} min"
        if not self.missing:
            return (f"the alarm bus's master changed at {when}: it had all {self.written} "
                    f"{recent}")
        return (f"the alarm bus's master changed at {when}: {self.missing} of the "
                f"{self.written} {recent} were missing on the new master and were written "
                "again")


class WriteJournal:
    """The bus's recent writes, latest per alarm, and the master they were written to."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._writes: collections.OrderedDict[tuple[str, str], Write] = collections.OrderedDict()
        self._master: tuple[str, int] | None = None  # replication id, offset last seen
        self.last: Replayed | None = None

    def __len__(self) -> int:
        self._forget_old()
        return len(self._writes)

    def record(self, script: str, alarm_id: str, keys: list[str], args: list[str | int]) -> None:
        """A write the master answered: the latest of its kind for this alarm."""
        key = (script, alarm_id)
        self._writes.pop(key, None)
        self._writes[key] = Write(script, keys, args, self._clock())
        self._forget_old()

    def moved(self, info: Info) -> bool:
        """Whether the master `info` describes may lack writes the journal holds: another
        replication history than the one last seen, or the same one gone back. The first
        master seen is taken as it is (nothing was written before it)."""
        replid = str(info.get("master_replid", ""))
        offset = _offset(info.get("master_repl_offset"))
        seen = self._master
        if seen is None or (replid == seen[0] and offset >= seen[1]):
            self._master = (replid, offset)
            return False
        return True

    def settled(self, info: Info) -> None:
        """The master `info` describes has every write of the journal (replayed, or nothing
        to replay): it is the one to compare with from now on."""
        self._master = (str(info.get("master_replid", "")),
                        _offset(info.get("master_repl_offset")))

    def pending(self) -> list[Write]:
        """What to write again, in order: every publish first (an acknowledgement needs its
        alarm there), then every acknowledgement."""
        self._forget_old()
        writes = list(self._writes.values())
        return ([w for w in writes if w.script == "publish"]
                + [w for w in writes if w.script != "publish"])

    def replayed(self, written: int, missing: int, info: Info) -> Replayed:
        self.last = Replayed(time.time(), written, missing)
        self.settled(info)
        log.log(logging.WARNING if missing else logging.INFO, "%s", self.last.said())
        return self.last

    def note(self) -> str | None:
        """What health says after the master changed, for a while: how many of the writes
        the new master lacked (a trainer shows that none was lost)."""
        last = self.last
        if last is None or time.time() - last.at > SAID_FOR_S:
            return None
        return last.said()

    def _forget_old(self) -> None:
        cutoff = self._clock() - REPLAY_WINDOW_S
        while self._writes:
            oldest = next(iter(self._writes.values()))
            if oldest.at >= cutoff and len(self._writes) <= REPLAY_MAX:
                return
            self._writes.popitem(last=False)


def wrote_entry(script: str, answer: Any) -> bool:
    """Whether a script's answer says it wrote a stream entry: `PUBLISH` answers {entry, ack}
    (entry "" for a version stored already), `ACKNOWLEDGE` nil for an unknown alarm, else
    {alarm, ack, entry} (entry "" if it was acknowledged already)."""
    if not answer:
        return False
    return bool(answer[0] if script == "publish" else answer[2])


def _offset(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0
