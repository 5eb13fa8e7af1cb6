"""The trainer's switches of the Cluster tab, applied: a store's teaching settings (Cassandra's
read level, whether HIGH alarms wait for a replica), on the station's own lab only. A store
may be switched where the station is a training one (environment = "training") and every
server its URL names is a node of the lab beside the station's data folder
(`app.lab.station_view`); anywhere else nothing is offered, and a switch asked for anyway, by
whatever means, is refused with the reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal

from app.config import Config
from app.feeds.base import Feed, action
from app.lab.station_view import LabStates
from stores import Stores
from stores.errors import StoreError, ValidationError
from stores.model import TeachingSetting

log = logging.getLogger(__name__)


class TeachingSwitches(Feed):
    """`offered()` gives what the Cluster tab shows switches for; `apply(store, key, value)`
    (a slot) switches one, then `applied(setting)` with the store's setting as it is now, or
    `refused(store, why)`."""

    title = "Teaching switches"
    applied = Signal(object)  # TeachingSetting
    refused = Signal(str, str)

    def __init__(self, stores: Stores, config: Config,
                 lab_states: Callable[[], LabStates]) -> None:
        super().__init__()
        self._stores = stores
        self._config = config
        self._lab_states = lab_states

    def start(self) -> None:
        """Nothing runs until a trainer switches something."""

    def offered(self, lab: LabStates | None = None) -> tuple[TeachingSetting, ...]:
        """The settings of the stores a trainer may switch here (`lab`: the lab's nodes now,
        if the caller has them), as each store uses them now."""
        lab = self._lab_states() if lab is None else lab
        return tuple(setting for name, store in self._stores.by_name().items()
                     if self.refusal(name, lab) is None
                     for setting in store.teaching_settings())

    def refusal(self, store: str, lab: LabStates) -> str | None:
        """Why `store` may not be switched here (None: it may)."""
        if not self._config.training:
            return (f"teaching switches are for training stations only (this station's "
                    f"environment is \"{self._config.environment}\")")
        if not lab:
            return "this station runs on no lab (`ward-station lab up` starts one)"
        url = self._config.store_config.url(store)
        if url is None:
            return f"the {store} store is embedded: it has no replicas to switch"
        strangers = [address for address in url.addresses if address not in lab]
        if strangers:
            return (f"the {store} store's servers {', '.join(strangers)} are not the lab's: "
                    "a cluster the lab did not start is never switched")
        return None

    @action(str, str, str)
    async def apply(self, store: str, key: str, value: str) -> None:
        why = self.refusal(store, self._lab_states())
        if why is None:
            why = await self._switch(store, key, value)
        if why is not None:
            log.warning("Teaching switch %s %s=%s refused: %s", store, key, value, why)
            self.refused.emit(store, why)

    async def _switch(self, store: str, key: str, value: str) -> str | None:
        """Switch it; why not, if the store refused."""
        target = self._stores.by_name().get(store)
        if target is None:
            return f"there is no {store!r} store"
        try:
            now = await target.apply_teaching_setting(key, value)
        except ValidationError as exc:
            return exc.message
        except StoreError as exc:
            return str(exc)
        log.info("Teaching switch by %s: %s %s %s", self._config.user, store, now.label,
                 now.value)
        self.applied.emit(now)
        return None
