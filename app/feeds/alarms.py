"""Alarm feed: the ward's open alarms, live, with the station's own technical alarms (the alarm
channel lost, a store down, a bed gone silent, messages it could not show); acknowledgements,
written to the audit log and counted for the per-shift figures.

The feed runs the tasks and emits; what it holds and decides is elsewhere: the open alarms in
`app.alarms.open_alarms`, the technical ones in `app.alarms.technical`, the channel's health in
`alarm_channel`, what an acknowledgement leaves behind in `alarm_records`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import Signal

from app.alarms.open_alarms import CHANNEL_LOST_ID, OpenAlarms
from app.alarms.technical import TechnicalAlarms
from app.feeds.alarm_channel import ChannelWatch
from app.feeds.alarm_records import record_acknowledgement
from app.feeds.base import Feed, action
from stores.alerts import AlertBus
from stores.analytics import AnalyticsStore
from stores.backoff import backoff_s
from stores.errors import AlarmsMissed, NotFound, StoreError, StoreUnavailable
from stores.model import Alarm, HealthState, StoreHealth, Ward
from stores.patients import PatientStore

log = logging.getLogger(__name__)

__all__ = ["CHANNEL_LOST_ID", "AlarmsFeed"]
# Pauses between attempts to follow the bus again: short, the alarm channel matters most.
RETRY_S, RETRY_CAP_S = 0.5, 4.0
# The bus's health is asked this often, and must answer this fast: a subscription that rides
# through an outage (Redis backfills after reconnecting) does not end, so the outage shows here.
CHANNEL_CHECK_S = 0.5
STATION_CHECK_S = 1.0  # silent beds, unreadable messages


class AlarmsFeed(Feed):
    title = "Alarm display"
    alarms_changed = Signal(object)  # list[Alarm]: the ward's open alarms, any order
    acknowledge_failed = Signal(str)
    # alarm id, why: an acknowledgement that did not go out (the banner says so on its row)
    acknowledge_refused = Signal(str, str)

    def __init__(self, bus: AlertBus, region: str, ward: str, user: str,
                 clock: Callable[[], float] = time.time, *, stale_after_s: float = 5.0,
                 audit: PatientStore | None = None,
                 analytics: AnalyticsStore | None = None,
                 second_ward: str | None = None) -> None:
        super().__init__()
        self._bus = bus
        self.region, self.ward, self.user = region, ward, user
        self._clock = clock
        self._audit, self._analytics = audit, analytics
        self.technical = TechnicalAlarms(region, ward, stale_after_s, clock)
        # the bus's, and the channel lost; of both screens' wards: one source for both banners
        self._open = OpenAlarms(region, ward, self.technical,
                                other_wards=(second_ward,) if second_ward else ())
        self._channel = ChannelWatch(bus, region, self.spawn)
        self._ward = Ward()
        self._latest: dict = {}
        self._vitals_down = False
        self._unreadable_seen = 0
        self._following = False  # the subscription is open and the current alarms are read
        self._attempts = 0  # to follow the bus since it last worked

    def start(self) -> None:
        self.supervise(self._run)
        self.supervise(self._watch_channel)
        self.supervise(self._watch_station)

    @property
    def alarms(self) -> list[Alarm]:
        return [*self._open.by_id.values(), *self.technical.alarms()]

    # --- what the rest of the station tells the feed ------------------------------------------

    def set_ward(self, ward: Ward) -> None:
        """One of the station's wards as it is now (the second screen's comes here too): it
        replaces the beds and patients held of the wards its beds are of."""
        names = {bed.ward for bed in ward.beds}
        kept = [bed for bed in self._ward.beds if bed.ward not in names]
        patients = {bed.id: self._ward.patients_by_bed[bed.id] for bed in kept
                    if bed.id in self._ward.patients_by_bed}
        self._ward = Ward((*kept, *ward.beds), patients | dict(ward.patients_by_bed))
        self._open.set_beds(list(self._ward.beds))

    def show_latest(self, latest: dict) -> None:
        """Newer samples of some beds (dict bed id -> VitalSample)."""
        self._latest.update(latest)

    def show_health(self, healths: list[StoreHealth]) -> None:
        self._vitals_down = any(h.store == "vitals" and h.state is HealthState.DOWN
                                for h in healths)
        if self.technical.show_health(healths):
            self._emit()

    def show_feed_stopped(self, title: str, reason: str | None) -> None:
        """A feed of the station died of a bug (`reason`) and is restarting; None: it runs
        again. Its technical alarm is high when it is this feed, which shows the alarms."""
        if self.technical.feed_stopped(title, reason, high=title == self.title):
            self._emit()

    # --- following the bus ---------------------------------------------------------------------

    async def _run(self) -> None:
        self._attempts = 0
        while True:
            with self.reporting():
                try:
                    await self._follow()
                except AlarmsMissed as missed:
                    # not the channel lost: the bus still answers; read the current alarms
                    # again at once, and say that versions were skipped
                    log.error("alarm subscription of %s: %s", self.region, missed.reason)
                    self.technical.missed(missed.reason)
                    self._emit()
                    continue
                raise StoreUnavailable("the alarm bus closed the subscription")
            self._show_channel_lost()
            await asyncio.sleep(backoff_s(self._attempts, RETRY_S, RETRY_CAP_S))
            self._attempts += 1

    async def _follow(self) -> None:
        # Subscribe before reading the current alarms so that nothing published in between is
        # missed; an alarm seen twice just replaces itself.
        subscription = self._bus.subscribe(self.region)
        try:
            await self._read_current()
            self._mark_up()
            self._following = True
            self._attempts = 0
            async for alarm in subscription:
                if self._open.receive(alarm):
                    self._emit()
        finally:
            self._following = False
            await subscription.aclose()

    async def _read_current(self) -> None:
        self._open.start_snapshot()
        current = None
        try:
            current = await self._bus.active(self.region)
        finally:
            self._open.end_snapshot(current)
        self._emit()

    async def _watch_channel(self) -> None:
        """Show the channel lost while the bus says it is down; when it is back, read the
        current alarms again (the subscription catches up on its own)."""
        while True:
            await asyncio.sleep(CHANNEL_CHECK_S)
            reason = await self._channel.down_reason()
            if reason is not None:
                self._mark_down(reason)
                self._show_channel_lost()
            elif self._open.channel_lost and self._following:
                with self.reporting():
                    await self._read_current()

    async def _watch_station(self) -> None:
        while True:
            await asyncio.sleep(STATION_CHECK_S)
            changed = self.technical.check_beds(self._ward, self._latest, self._vitals_down)
            count, why = self._bus.unreadable_messages(self.region)
            if count > self._unreadable_seen:
                self.technical.unreadable(count - self._unreadable_seen, why or "did not parse")
                self._unreadable_seen = count
                changed = True
            if changed:
                self._emit()

    def _emit(self) -> None:
        self.alarms_changed.emit(self.alarms)

    def _show_channel_lost(self) -> None:
        if self._open.show_channel_lost(self.down_reason, self._clock()):
            self._emit()

    # --- acknowledging -------------------------------------------------------------------------

    @action(str)
    async def acknowledge(self, alarm_id: str) -> None:
        now = self._clock()
        if alarm_id == CHANNEL_LOST_ID:
            # Silenced and steady, but listed until the channel is back: nothing at the bus.
            lost = self._open.by_id.get(alarm_id)
            if lost is not None and not lost.acknowledged:
                self._open.by_id[alarm_id] = lost.acknowledge(self.user, now)
                self._emit()
                await self._record(self._open.by_id[alarm_id])
            return
        if self.technical.owns(alarm_id):
            alarm = next(a for a in self.technical.alarms() if a.id == alarm_id)
            self.technical.acknowledge(alarm_id, self.user)
            self._emit()
            await self._record(alarm.acknowledge(self.user, now))
            return
        try:
            acknowledged = await self._bus.acknowledge(alarm_id, self.user, now, self.region)
        except NotFound:
            self._open.by_id.pop(alarm_id, None)
            self._emit()
        except StoreUnavailable as exc:
            # Refused, never queued: a queued acknowledgement would silence the alarm here
            # while every other station still shows it unacknowledged (docs/operations.md).
            self._refuse_acknowledgement(
                alarm_id, f"Not acknowledged: alarm bus unavailable ({exc.reason})")
        except (StoreError, ValueError) as exc:  # a record that does not parse, a refusal
            log.exception("acknowledging %s failed", alarm_id)
            self._refuse_acknowledgement(alarm_id, f"Not acknowledged: {exc}")
        else:
            if self._open.receive(acknowledged):
                self._emit()
            if (acknowledged.acknowledged_by, acknowledged.acknowledged_at) == (self.user, now):
                await self._record(acknowledged)  # this station's, not an earlier one's

    def _refuse_acknowledgement(self, alarm_id: str, message: str) -> None:
        self.acknowledge_failed.emit(message)
        self.acknowledge_refused.emit(alarm_id, message)

    # --- the outbox ----------------------------------------------------------------------------

    def show_outbox(self, full: dict[str, tuple[bool, int]], refused: int) -> None:
        """Store -> (its outbox full, its bound), and the queued writes refused on delivery:
        technical alarms while they last."""
        changed = self.technical.refused_writes(refused)
        for store, (is_full, limit) in full.items():
            changed |= self.technical.outbox_full(store, is_full, limit)
        if changed:
            self._emit()

    async def _record(self, acknowledged: Alarm) -> None:
        await record_acknowledgement(acknowledged, self.region, self._audit, self._analytics)
