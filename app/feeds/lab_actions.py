"""Lab actions feed: a trainer's kill, stop, freeze, restore or cut of a node from the Cluster
tab. Refused unless the node is one of this station's lab (whatever the view offered), run off
the UI thread one at a time (the lab waits for the process), its outcome told to the view, and
every request, done, failed or refused, written to the audit log (who, what, when) and the log."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from app.feeds.base import Feed, action
from stores.errors import StoreError
from stores.model import AuditEntry

if TYPE_CHECKING:  # the lab itself is handed in: a feed imports no server's client
    from app.lab.station_actions import StationLabActions
    from stores.patients import PatientStore

log = logging.getLogger(__name__)


class LabActionsFeed(Feed):
    title = "Lab actions"
    running = Signal(str, str)  # node, action: under way
    done = Signal(str, str, str)  # node, action, what the lab said it did
    failed = Signal(str, str, str)  # node, action, why it was not done

    def __init__(self, lab: StationLabActions, audit: PatientStore, region: str, user: str,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._lab, self._audit = lab, audit
        self._region, self._user, self._clock = region, user, clock
        self._one_at_a_time = asyncio.Lock()

    def start(self) -> None:
        """Nothing runs until a trainer acts."""

    @action(str, str)
    async def act(self, name: str, what: str) -> None:
        asked = self._clock()
        refused = self._lab.refusal(name, what)
        if refused is not None:
            await self._report(asked, name, what, False, f"refused: {refused}")
            return
        self.running.emit(name, what)
        async with self._one_at_a_time:
            outcome = await asyncio.to_thread(self._lab.run, name, what)
        await self._report(asked, name, what, outcome.ok,
                           outcome.text if outcome.ok else f"failed: {outcome.text}")

    async def _report(self, asked: float, name: str, what: str, ok: bool, text: str) -> None:
        (self.done if ok else self.failed).emit(name, what, text)
        log.warning("lab %s %s by %s: %s", what, name, self._user, text)
        entry = AuditEntry(time=asked, user=self._user, action=f"lab {what}", patient_id="",
                           detail=f"{name}: {text}")
        try:
            await self._audit.record(entry, self._region)  # queued while the store is away
        except StoreError as exc:
            log.error("lab %s of %s not written to the audit log (%s)", what, name, exc)
