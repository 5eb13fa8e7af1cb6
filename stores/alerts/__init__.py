"""The alarm bus: live delivery of alarms and their state changes to every station of a region."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Sequence

from stores.model import Alarm
from stores.store import Store

ARCHIVE_BATCH = 500  # alarms handed out for archiving at a time: one analytics write each


def archivable(alarm: Alarm, cutoff: float) -> bool:
    """Resolved (no longer `is_open`) and nothing happened to it since `cutoff`: raised,
    acknowledged and cleared before it. Such an alarm may leave the bus for the archive."""
    times = (alarm.raised_at, alarm.acknowledged_at, alarm.cleared_at)
    return not alarm.is_open and all(t is None or t < cutoff for t in times)


class AlertBus(Store):
    """Publishes alarms per region and keeps each alarm's latest state.

    An alarm is published once when raised and again, same id, on each change of state.
    """

    @abc.abstractmethod
    async def publish(self, alarm: Alarm) -> None:
        """Deliver this version of the alarm to every subscriber of its region and keep it.

        A stored acknowledgement survives a later version that lacks one (the alarm engine's
        copy predates the nurse's acknowledgement); subscribers get the merged version."""

    @abc.abstractmethod
    async def acknowledge(self, alarm_id: str, by: str, at: float,
                          region: str | None = None) -> Alarm:
        """Mark an alarm acknowledged and publish that; `NotFound` if the id is unknown.
        Acknowledging twice keeps the first acknowledgement. `region`: where the alarm was
        seen (a station acknowledges what its region's subscription showed); without it the
        bus looks in the regions it follows or wrote to."""

    @abc.abstractmethod
    async def active(self, region: str) -> list[Alarm]:
        """The latest version of every open alarm of the region (`Alarm.is_open`: its condition
        is still true, acknowledged or not, or it latched)."""

    @abc.abstractmethod
    async def history(self, region: str, since: float) -> list[Alarm]:
        """Latest versions of the region's alarms raised since `since`, oldest first."""

    async def resolved_before(self, region: str, cutoff: float,
                              limit: int = ARCHIVE_BATCH) -> list[Alarm]:
        """Up to `limit` of the region's alarms that are `archivable` at `cutoff`, latest
        versions, oldest first: what may be archived, then pruned. A bus that keeps no alarms
        has none."""
        return []

    async def prune(self, region: str, alarms: Sequence[Alarm]) -> int:
        """Remove these alarms from the bus (latest version, acknowledgement, history and
        listings) where the version kept is still the one given; an alarm published again
        meanwhile stays. Returns how many were removed. The stream of versions is left to its
        cap. Safe to run from several stations at once."""
        return 0

    @abc.abstractmethod
    def subscribe(self, region: str) -> AsyncIterator[Alarm]:
        """Every alarm version published for the region from now on, in order.

        The subscription is registered when this returns, before the first `__anext__`, so
        nothing published after the call by this bus is missed, nor anything another station
        publishes once `active()` has answered (call it after subscribing: the Redis bus fixes
        where its reader starts first). The iterator has `aclose()` to unsubscribe;
        it ends when the bus is closed (after what was already queued). It raises
        `AlarmsMissed` when it could not keep every version (the consumer fell too far behind,
        or the bus lost entries it had not read): read `active()` again and subscribe anew."""

    def channel_problem(self, region: str) -> str | None:
        """Why the region's live delivery is not followed right now though the bus may still
        answer calls (a subscriber connection dropped, a channel the ACL refuses); None while it
        is followed. The embedded bus delivers in-process: always None."""
        return None

    def unreadable_messages(self, region: str) -> tuple[int, str]:
        """How many of the region's alarm records the bus refused since it opened (they did not
        parse, failed a check, or were unsigned or forged where the region signs), and why the
        last one was. Each record is counted once, however often it is read."""
        return 0, ""

    def signed(self, region: str) -> bool | None:
        """Whether the region's alarms are signed and verified; None where the bus carries
        no messages another program could write (the embedded, in-process bus)."""
        return None
