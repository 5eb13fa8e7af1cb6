"""What the station itself went through, for the Cluster tab's timeline: its alarm channel lost
and back, writes waiting in its outbox and the outbox drained. Worked out from what the feeds
already emit (the open alarms, the outbox's counts): each change said once, when it happens."""

from __future__ import annotations

from collections.abc import Iterable

from app.alarms.open_alarms import CHANNEL_LOST_ID
from stores.model import Alarm

Said = tuple[str, bool]  # what the timeline says, and whether it is a loss


class StationEvents:
    def __init__(self) -> None:
        self._channel_lost: str | None = None  # the lost channel's alarm text, while lost
        self._waiting = 0

    def alarms(self, alarms: Iterable[Alarm]) -> list[Said]:
        """The ward's open alarms as the banner gets them: the channel lost, or back."""
        lost = next((a.condition for a in alarms if a.id == CHANNEL_LOST_ID), None)
        was, self._channel_lost = self._channel_lost, lost
        if lost is not None and was is None:
            return [(f"this station: {lost}", True)]
        if lost is None and was is not None:
            return [("this station: the alarm channel is back; the current alarms read again",
                     False)]
        return []

    def outbox(self, waiting: int, refused: int) -> list[Said]:
        """The outbox's counts: writes began to wait, or every waiting write was delivered."""
        was, self._waiting = self._waiting, waiting
        if waiting and not was:
            return [(f"this station: {waiting} write(s) waiting in the outbox", True)]
        if was and not waiting:
            left = f" ({refused} refused, in Pending writes)" if refused else ""
            return [(f"this station: outbox drained, every waiting write delivered{left}",
                     False)]
        return []
