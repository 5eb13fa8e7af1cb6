"""One consumer's subscription to a region of the Redis alarm bus: a queue its reader fills."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stores.alerts.subscription import AlarmQueue
from stores.model import Alarm

if TYPE_CHECKING:
    from stores.alerts.redis_feed import RegionReader

Key = tuple[int, int]  # a stream entry id as numbers


class Subscription(AlarmQueue):
    """One consumer's queue of a region's alarms (the iterator `subscribe()` returns).

    Whatever the reader gets after `floor` (the last entry this station knows was published
    before the call) is delivered.
    """

    def __init__(self, reader: RegionReader | None, floor: Key | None) -> None:
        super().__init__()
        self._reader = reader
        self.floor = floor
        if reader is None:  # subscribed to a closed bus: nothing will come
            self.end()
        else:
            reader.subscriptions.add(self)

    def put_entry(self, key: Key, alarm: Alarm) -> None:
        if self.floor is None or key > self.floor:
            self.put(alarm)

    def _detach(self) -> None:
        if self._reader is not None:
            self._reader.subscriptions.discard(self)
            self._reader = None
