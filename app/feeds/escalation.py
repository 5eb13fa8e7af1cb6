"""Escalation feed: for each high-priority alarm left unacknowledged, who it has escalated to
along the patient's care network, for the banner."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot

from app.alarms.escalation import escalation_chain, escalation_level, escalation_text
from app.feeds.base import Feed
from stores.errors import StoreUnavailable
from stores.model import Alarm, CareNode
from stores.network import CareNetworkStore

CHECK_S = 1.0
CHAIN_FRESH_S = 60.0  # a care team changes by the shift, not by the second


class EscalationFeed(Feed):
    title = "Alarm escalation"
    escalations_changed = Signal(object)  # dict[alarm id, what the banner says]

    def __init__(self, network: CareNetworkStore, after_s: float = 60.0,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._network = network
        self.after_s = after_s
        self._clock = clock
        self._alarms: list[Alarm] = []
        self._chains: dict[str, tuple[float, list[CareNode]]] = {}  # patient id -> (read at, chain)
        self._shown: dict[str, str] = {}

    def start(self) -> None:
        self.supervise(self._run)

    @Slot(object)
    def show_alarms(self, alarms: list[Alarm]) -> None:
        self._alarms = list(alarms)

    async def _run(self) -> None:
        while True:
            with self.reporting():  # a bug is logged and the next round tried: never given up
                await self._update()
            await asyncio.sleep(CHECK_S)

    async def _update(self) -> None:
        now = self._clock()
        escalations = {}
        for alarm in self._alarms:
            level = escalation_level(alarm, now, self.after_s)
            if level:
                escalations[alarm.id] = await self._text(alarm.patient_id, level)
        if escalations != self._shown:
            self._shown = escalations
            self.escalations_changed.emit(dict(escalations))

    async def _text(self, patient_id: str, level: int) -> str:
        try:
            chain = await self._chain(patient_id)
        except StoreUnavailable as exc:
            waited = level * self.after_s
            return f"unacknowledged {waited:.0f} s: care team unavailable ({exc.reason})"
        return escalation_text(level, chain, self.after_s)

    async def _chain(self, patient_id: str) -> list[CareNode]:
        read_at, chain = self._chains.get(patient_id, (float("-inf"), None))
        if chain is not None and self._clock() - read_at <= CHAIN_FRESH_S:
            return chain
        try:
            graph = await self._network.care_team(patient_id)
        except StoreUnavailable as exc:
            self._mark_down(exc.reason)
            if chain is not None:
                return chain  # the last team known beats none
            raise
        self._mark_up()
        chain = escalation_chain(graph)
        self._chains[patient_id] = (self._clock(), chain)
        return chain
