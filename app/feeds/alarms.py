"""Alarm feed: the region's alarms needing attention, live, and losing the alarm channel as an alarm."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import Signal
from qasync import asyncSlot

from app.feeds.base import Feed
from stores.alerts import AlertBus
from stores.errors import NotFound, StoreUnavailable
from stores.model import Alarm, AlarmKind, HealthState, Priority

log = logging.getLogger(__name__)

CHANNEL_LOST_ID = "technical:alarm-channel-lost"
RETRY_S = 1.0
# The bus's health is asked this often, and must answer this fast: a subscription that rides
# through an outage (Redis backfills after reconnecting) does not end, so the outage shows here.
CHANNEL_CHECK_S = 0.5
CHANNEL_ANSWER_S = 1.0


class AlarmsFeed(Feed):
    alarms_changed = Signal(object)  # list[Alarm] needing attention, any order
    acknowledge_failed = Signal(str)

    def __init__(self, bus: AlertBus, region: str, ward: str, user: str,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._bus = bus
        self.region, self.ward, self.user = region, ward, user
        self._clock = clock
        self._alarms: dict[str, Alarm] = {}
        self._following = False  # the subscription is open and the current alarms are read
        self._health_check: asyncio.Task | None = None

    def start(self) -> None:
        self.spawn(self._run())
        self.spawn(self._watch_channel())

    @property
    def alarms(self) -> list[Alarm]:
        return list(self._alarms.values())

    async def _run(self) -> None:
        while True:
            with self.reporting():
                await self._follow()
                raise StoreUnavailable("the alarm bus closed the subscription")
            self._show_channel_lost()
            await asyncio.sleep(RETRY_S)

    async def _follow(self) -> None:
        # Subscribe before reading the current alarms so that nothing published in between is
        # missed; an alarm seen twice just replaces itself.
        subscription = self._bus.subscribe(self.region)
        try:
            current = await self._bus.active(self.region)
            # the channel-lost alarm goes with the rest
            self._alarms = {a.id: a for a in current if a.ward == self.ward}
            self._mark_up()
            self._emit()
            self._following = True
            async for alarm in subscription:
                self._receive(alarm)
        finally:
            self._following = False
            await subscription.aclose()

    async def _watch_channel(self) -> None:
        """Show the channel lost while the bus says it is down; when it is back, read the
        current alarms again (the subscription catches up on its own)."""
        while True:
            await asyncio.sleep(CHANNEL_CHECK_S)
            reason = await self._channel_down_reason()
            if reason is not None:
                self._mark_down(reason)
                self._show_channel_lost()
            elif CHANNEL_LOST_ID in self._alarms and self._following:
                with self.reporting():
                    current = await self._bus.active(self.region)
                    self._alarms = {a.id: a for a in current if a.ward == self.ward}
                    self._emit()

    async def _channel_down_reason(self) -> str | None:
        # asyncio.wait, not asyncio.timeout: cancelling through a timeout while the feed is
        # stopped has left qasync's loop without its timers (seen with real servers); a slow
        # check goes on in its own task, and the next round waits for that one.
        if self._health_check is None or self._health_check.done():
            self._health_check = self.spawn(self._bus.health())
        done, _ = await asyncio.wait({self._health_check}, timeout=CHANNEL_ANSWER_S)
        if not done:
            return f"the alarm bus gave no answer within {CHANNEL_ANSWER_S:.0f} s"
        try:
            health = self._health_check.result()
        except Exception as exc:  # a health check that fails is itself the answer
            return str(exc) or type(exc).__name__
        if health.state is HealthState.DOWN:
            return health.reason or "the alarm bus is down"
        return None

    def _receive(self, alarm: Alarm) -> None:
        # The bus carries the whole region; this station answers for its own ward's beds.
        if alarm.ward != self.ward:
            return
        if alarm.needs_attention:
            self._alarms[alarm.id] = alarm
        elif self._alarms.pop(alarm.id, None) is None:
            return
        self._emit()

    def _emit(self) -> None:
        self.alarms_changed.emit(self.alarms)

    def _show_channel_lost(self) -> None:
        if CHANNEL_LOST_ID in self._alarms:
            return
        self._alarms[CHANNEL_LOST_ID] = Alarm(
            id=CHANNEL_LOST_ID, region=self.region, ward=self.ward, bed_id="", patient_id=None,
            patient_name="", priority=Priority.HIGH, kind=AlarmKind.TECHNICAL,
            condition=f"Alarm channel lost: {self.down_reason}", raised_at=self._clock())
        self._emit()

    @asyncSlot(str)
    async def acknowledge(self, alarm_id: str) -> None:
        if alarm_id == CHANNEL_LOST_ID:
            return  # stays until the channel is back; there is nothing at the bus to acknowledge
        try:
            acknowledged = await self._bus.acknowledge(alarm_id, self.user, self._clock())
        except NotFound:
            self._alarms.pop(alarm_id, None)
            self._emit()
        except StoreUnavailable as exc:
            self.acknowledge_failed.emit(f"Not acknowledged: alarm bus unavailable ({exc.reason})")
        else:
            self._receive(acknowledged)
